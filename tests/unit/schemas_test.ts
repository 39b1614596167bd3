import assert from "node:assert/strict";
import type * as z from "zod";
import {
  ClientIdSchema,
  CreateRoomInputSchema,
  FixSchema,
  HandleSchema,
  LatSchema,
  LngSchema,
  MESSAGE_MAX_CHARS,
  MessageTextSchema,
  PasswordSchema,
  RegisterInputSchema,
  SendMessageInputSchema,
  UlidSchema,
} from "../../lib/shared/schemas.ts";

function accepts(schema: z.ZodType, values: unknown[]) {
  for (const v of values) {
    assert.ok(
      schema.safeParse(v).success,
      `should accept ${JSON.stringify(v)}`,
    );
  }
}

function refuses(schema: z.ZodType, values: unknown[]) {
  for (const v of values) {
    assert.ok(
      !schema.safeParse(v).success,
      `should refuse ${JSON.stringify(v)}`,
    );
  }
}

const room = {
  name: "Room",
  lat: 38.7,
  lng: -9.1,
  radiusM: 300,
  category: "social",
};

Deno.test("HandleSchema - 3 to 32 letters, digits or underscores, trimmed", () => {
  accepts(HandleSchema, ["abc", "A_1", "x".repeat(32), "__init__", "Zz9"]);
  refuses(HandleSchema, [
    "ab",
    "x".repeat(33),
    "a-b",
    "a.b",
    "a b",
    "émile",
    "a\nbc",
    "",
    42,
    null,
  ]);
  assert.equal(HandleSchema.parse("  alice_1 "), "alice_1");
  refuses(HandleSchema, ["  ab  "]);
});

Deno.test("LatSchema and LngSchema - degrees within ±90 and ±180, finite numbers only", () => {
  accepts(LatSchema, [-90, 0, 45.5, 90]);
  refuses(LatSchema, [-90.000001, 90.000001, NaN, Infinity, "45", null]);
  accepts(LngSchema, [-180, 0, 179.99, 180]);
  refuses(LngSchema, [-180.000001, 180.000001, NaN, -Infinity, "1"]);
});

Deno.test("CreateRoomInputSchema - radius is an integer from 50 to 50,000 m", () => {
  for (const radiusM of [50, 51, 49_999, 50_000]) {
    assert.ok(CreateRoomInputSchema.safeParse({ ...room, radiusM }).success);
  }
  for (const radiusM of [49, 50_001, 100.5, 0, -300, "300"]) {
    assert.ok(
      !CreateRoomInputSchema.safeParse({ ...room, radiusM }).success,
      String(radiusM),
    );
  }
});

Deno.test("CreateRoomInputSchema - trims the name, defaults the description, bounds lat/lng", () => {
  const parsed = CreateRoomInputSchema.parse({ ...room, name: "  Praça  " });
  assert.equal(parsed.name, "Praça");
  assert.equal(parsed.description, "");
  refuses(CreateRoomInputSchema, [
    { ...room, name: "   " },
    { ...room, name: "x".repeat(81) },
    { ...room, description: "x".repeat(501) },
    { ...room, lat: 95 },
    { ...room, lng: -181 },
    { ...room, category: "disco" },
    { ...room, expiresAt: "tomorrow" },
  ]);
  accepts(CreateRoomInputSchema, [
    { ...room, name: "x".repeat(80) },
    { ...room, expiresAt: "2030-01-01T00:00:00Z" },
    { ...room, expiresAt: "2030-01-01T00:00:00+02:00" },
  ]);
});

Deno.test("MessageTextSchema - trimmed, 1 to 4,000 characters", () => {
  assert.equal(MESSAGE_MAX_CHARS, 4000);
  assert.equal(MessageTextSchema.parse("  hi \n"), "hi");
  accepts(MessageTextSchema, [
    "x",
    "x".repeat(4000),
    `  ${"x".repeat(4000)}  `,
  ]);
  refuses(MessageTextSchema, ["", "   ", "\n\t", "x".repeat(4001), 5]);
});

Deno.test("ClientIdSchema - 1 to 64 of A-Z a-z 0-9 _ -", () => {
  accepts(ClientIdSchema, ["a", "A-b_9", "x".repeat(64)]);
  refuses(ClientIdSchema, [
    "",
    "x".repeat(65),
    "a b",
    "a/b",
    "a.b",
    "ü",
    "a\n",
  ]);
  refuses(SendMessageInputSchema, [{ text: "hi", clientId: "a b" }]);
  accepts(SendMessageInputSchema, [{ text: " hi ", clientId: "c-1" }]);
});

Deno.test("UlidSchema - 26 Crockford base-32 characters, upper case", () => {
  accepts(UlidSchema, ["01ARZ3NDEKTSV4RRFFQ69G5FAV", "0".repeat(26)]);
  refuses(UlidSchema, [
    "01ARZ3NDEKTSV4RRFFQ69G5FA",
    "01ARZ3NDEKTSV4RRFFQ69G5FAVX",
    "01arz3ndektsv4rrffq69g5fav",
    "01ARZ3NDEKTSV4RRFFQ69G5FAI",
    "01ARZ3NDEKTSV4RRFFQ69G5FAL",
    "01ARZ3NDEKTSV4RRFFQ69G5FAO",
    "01ARZ3NDEKTSV4RRFFQ69G5FAU",
    " 01ARZ3NDEKTSV4RRFFQ69G5FAV",
  ]);
});

Deno.test("FixSchema - accuracy from 0 to 100 km with bounded coordinates", () => {
  accepts(FixSchema, [
    { lat: 0, lng: 0, accuracy: 0 },
    { lat: -90, lng: 180, accuracy: 100_000 },
  ]);
  refuses(FixSchema, [
    { lat: 0, lng: 0, accuracy: -1 },
    { lat: 0, lng: 0, accuracy: 100_001 },
    { lat: 91, lng: 0, accuracy: 10 },
    { lat: 0, lng: 0 },
  ]);
});

Deno.test("RegisterInputSchema - password 8 to 256 characters, display name 1 to 64", () => {
  const ok = { handle: "alice", displayName: "Alice", password: "12345678" };
  accepts(RegisterInputSchema, [
    ok,
    { ...ok, password: "x".repeat(256) },
    { ...ok, displayName: "x".repeat(64) },
  ]);
  refuses(RegisterInputSchema, [
    { ...ok, password: "1234567" },
    { ...ok, password: "x".repeat(257) },
    { ...ok, displayName: "  " },
    { ...ok, displayName: "x".repeat(65) },
  ]);
  refuses(PasswordSchema, ["1234567"]);
});
