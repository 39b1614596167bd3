/** A venue code changes every this many milliseconds. */
export const CODE_STEP_MS = 30_000;

/** Codes of the current step and the one before are accepted: at most a minute old. */
export const CODE_STEPS_ACCEPTED = 2;

const ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";

/** A fresh random room secret (32 bytes, base64url). */
export function newVenueSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

/** The 8-character code of a room's secret for the step holding `at` (HMAC-SHA256). */
export async function venueCode(
  secret: string,
  roomId: string,
  at: number,
): Promise<string> {
  const step = Math.floor(at / CODE_STEP_MS);
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign(
      "HMAC",
      key,
      new TextEncoder().encode(`${roomId}:${step}`),
    ),
  );
  let out = "";
  for (let i = 0; i < 8; i++) out += ALPHABET[mac[i] % ALPHABET.length];
  return out;
}

/** When the code of the step holding `at` stops being shown. */
export const codeRotatesAt = (at: number) =>
  (Math.floor(at / CODE_STEP_MS) + 1) * CODE_STEP_MS;

/** Whether `code` is the room's code now or one step ago (constant-time compare). */
export async function checkVenueCode(
  secret: string,
  roomId: string,
  code: string,
  now: number,
): Promise<boolean> {
  const given = code.trim().toUpperCase();
  let ok = false;
  for (let i = 0; i < CODE_STEPS_ACCEPTED; i++) {
    const want = await venueCode(secret, roomId, now - i * CODE_STEP_MS);
    ok = equal(want, given) || ok;
  }
  return ok;
}

function equal(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
