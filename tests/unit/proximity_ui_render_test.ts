import assert from "node:assert/strict";
import { createRef, h } from "preact";
import { renderToString } from "preact-render-to-string";
import CheckInCode from "../../components/CheckInCode.tsx";
import Composer from "../../components/Composer.tsx";
import CreateRoomForm from "../../components/CreateRoomForm.tsx";
import MapPanel from "../../components/MapPanel.tsx";
import PeopleList from "../../components/PeopleList.tsx";
import PeopleVisibility from "../../components/PeopleVisibility.tsx";
import RoomCard from "../../components/RoomCard.tsx";
import RoomHeader from "../../components/RoomHeader.tsx";
import type { NearbyRoomView, RoomView } from "../../lib/shared/schemas.ts";

const HOSTILE = "<img src=x onerror=alert(1)>";
const ESCAPED = "&lt;img src=x onerror=alert(1)>";
const noop = () => {};

const ROOM: RoomView = {
  id: "01ARZ3NDEKTSV4RRFFQ69G5FAW",
  kind: "proximity",
  name: HOSTILE,
  description: "",
  lat: 52.5,
  lng: 13.4,
  radiusM: 300,
  readRadiusM: 600,
  category: "event",
  ownerId: "01ARZ3NDEKTSV4RRFFQ69G5FAV",
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresAt: null,
  memberCount: 2,
  lastMessageAt: null,
  slowModeS: 0,
  ended: false,
};

const nearby = (inside: { read: boolean; post: boolean }): NearbyRoomView => ({
  ...ROOM,
  kind: "proximity",
  lat: 52.5,
  lng: 13.4,
  radiusM: 300,
  readRadiusM: 600,
  distanceM: 420,
  inside,
});

const card = (inside: { read: boolean; post: boolean }) =>
  renderToString(h(RoomCard, {
    room: nearby(inside),
    busy: null,
    disabled: false,
    onJoin: noop,
    onPeek: noop,
  }));

Deno.test("RoomCard - radius, read radius, distance, and Join, Peek or neither by where the point stands", () => {
  const inside = card({ read: true, post: true });
  for (const fact of ["420 m away", "Radius 300 m", "Read radius 600 m"]) {
    assert.ok(inside.includes(`<li>${fact}</li>`), `${fact} in ${inside}`);
  }
  assert.match(inside, /You&#39;re inside — join|You're inside — join/);
  assert.match(inside, />Join<span class="visually-hidden">/);
  assert.ok(!inside.includes(">Peek<"));

  const reading = card({ read: true, post: false });
  assert.ok(reading.includes("You can read — peek"));
  assert.match(reading, />Peek<span class="visually-hidden">/);
  assert.ok(!reading.includes(">Join<"));

  const outside = card({ read: false, post: false });
  assert.match(outside, />Outside</);
  assert.ok(!outside.includes("<button"), "only Open from outside");
  // The name is text everywhere it appears, including the buttons' labels.
  assert.ok(!inside.includes("<img"));
  assert.ok(inside.includes(ESCAPED));
});

Deno.test("Composer - a read-only room shows its note and no box; a lapsed lease offers to confirm", () => {
  const base = {
    id: "message-input",
    label: "Message",
    disabled: false,
    categories: ["social" as const],
    onSend: noop,
    onTyping: noop,
  };
  const ended = renderToString(h(Composer, {
    ...base,
    readOnlyNote: "This event has ended — the room is read-only",
  }));
  assert.ok(ended.includes("This event has ended — the room is read-only"));
  assert.ok(!ended.includes("<textarea"), ended);
  const peek = renderToString(h(Composer, {
    ...base,
    readOnlyNote: "Reading from nearby — come closer to join",
    action: { label: "Join this room", busy: false, onClick: noop },
  }));
  assert.ok(!peek.includes("<textarea"));
  assert.match(peek, /<button type="button"[^>]*>Join this room<\/button>/);

  const stale = renderToString(h(Composer, {
    ...base,
    notice: "Confirm you're still here to post it.",
    action: {
      label: "Confirm you're still here",
      busy: false,
      error: "That location is too far from your last one",
      onClick: noop,
    },
  }));
  assert.ok(stale.includes("<textarea"), "the box stays to send again");
  assert.match(stale, />Confirm you(&#39;|')re still here<\/button>/);
  assert.match(
    stale,
    /role="alert">That location is too far from your last one</,
  );
  const checking = renderToString(h(Composer, {
    ...base,
    action: { label: "Confirm you're still here", busy: true, onClick: noop },
  }));
  assert.match(checking, /<button[^>]* disabled[^>]*>Checking your location…/);
});

Deno.test("RoomHeader - an ended event says so (once, above no chat); admins get the check-in screen link", () => {
  const ended = { ...ROOM, ended: true };
  const full = renderToString(h(RoomHeader, { room: ended }));
  assert.ok(full.includes("This event has ended — the room is read-only"));
  const compact = renderToString(
    h(RoomHeader, { room: ended, compact: true }),
  );
  assert.ok(!compact.includes("This event has ended"), "the chat says it");
  const admin = renderToString(
    h(RoomHeader, { room: ROOM, compact: true, checkInScreen: true }),
  );
  assert.ok(
    admin.includes(
      `<a href="/rooms/${ROOM.id}/checkin-screen">Check-in screen</a>`,
    ),
  );
  assert.ok(admin.includes("Read radius 600 m"));
  assert.ok(
    !renderToString(h(RoomHeader, { room: ROOM })).includes("checkin-screen"),
  );
  assert.ok(
    !renderToString(h(RoomHeader, { room: ended, checkInScreen: true }))
      .includes("checkin-screen"),
    "no code for an ended event",
  );
});

Deno.test("CheckInCode - the code large and announced, the room's address as text", () => {
  const html = renderToString(h(CheckInCode, {
    roomName: HOSTILE,
    roomUrl: "https://chat.example/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAW",
    code: "AB23CD45",
  }));
  assert.match(
    html,
    /<p class="checkin-screen__code" aria-live="polite" aria-atomic="true" data-checkin-code="true">AB23CD45<\/p>/,
  );
  assert.ok(
    html.includes("https://chat.example/rooms/01ARZ3NDEKTSV4RRFFQ69G5FAW"),
  );
  assert.ok(!html.includes("<img") && html.includes(ESCAPED));
  assert.ok(!html.includes("Full screen"), "offered only once hydrated");
});

Deno.test("PeopleList - name, handle, distance label, headline and interests as text, never a place", () => {
  const html = renderToString(h(PeopleList, {
    people: [{
      user: { id: ROOM.ownerId, handle: "ann", displayName: HOSTILE },
      headline: `"><script>alert(1)</script>`,
      interests: [HOSTILE, "maps"],
      distance: { withinM: 500, label: "< 500 m" },
    }],
    busy: null,
    disabled: false,
    errors: {},
    onMessage: noop,
  }));
  assert.ok(!html.includes("<img") && !html.includes("<script>"), html);
  assert.ok(html.includes("&lt; 500 m"));
  assert.ok(html.includes('<li class="tag">maps</li>'));
  assert.match(html, />Message<span class="visually-hidden">/);
  assert.ok(!/lat|lng|52\.5/.test(html), "no coordinates");
});

Deno.test("PeopleVisibility - the opt-in form, or what others see and Stop being visible", () => {
  const base = {
    until: "Visible until 13:00 UTC (60 more minutes)",
    durations: [15, 60, 240],
    disabled: false,
    busy: false,
    onShow: noop,
    onHide: noop,
  };
  const form = renderToString(
    h(PeopleVisibility, { ...base, visibility: null }),
  );
  for (const label of ["Headline", "Interests", "Visible for"]) {
    assert.ok(form.includes(label), label);
  }
  assert.match(form, /<option value="240">4 hours<\/option>/);
  const on = renderToString(h(PeopleVisibility, {
    ...base,
    visibility: {
      headline: HOSTILE,
      interests: ["maps"],
      expiresAt: "2026-01-01T13:00:00.000Z",
    },
  }));
  assert.ok(on.includes("Stop being visible"));
  assert.ok(on.includes(base.until));
  assert.ok(!on.includes("<img") && on.includes(ESCAPED));
});

Deno.test("MapPanel - a named region for the map, Leaflet's stylesheet from this site, the tiles' credit", () => {
  const html = renderToString(h(MapPanel, {
    mapRef: createRef(),
    label: "Map of rooms near the searched point",
    hint: "Click the map.",
    status: "loading",
    credit: {
      text: "© OpenStreetMap contributors",
      href: "https://www.openstreetmap.org/copyright",
    },
  }));
  assert.match(
    html,
    /<link rel="stylesheet" href="\/static\/vendor\/leaflet\/leaflet.css"/,
  );
  assert.match(
    html,
    /class="map" role="region" aria-label="Map of rooms near the searched point" aria-describedby="map-hint"/,
  );
  assert.ok(html.includes("OpenStreetMap contributors"));
  const failed = renderToString(h(MapPanel, {
    mapRef: createRef(),
    label: "Map",
    hint: "Click the map.",
    status: "failed",
    credit: null,
  }));
  assert.ok(
    failed.includes("The map could not be loaded. The list has every room."),
  );
  assert.ok(!failed.includes("map-panel__credit"));
});

Deno.test("CreateRoomForm - says where the room goes: on the public grid, or exactly at the pick", () => {
  const form = (placement: "here" | "map") =>
    renderToString(h(CreateRoomForm, {
      disabled: false,
      busy: false,
      placement,
      onCreate: noop,
    }));
  assert.match(form("here"), /data-placement="here">[^<]*150 m/);
  assert.match(form("map"), /data-placement="map">[^<]*exactly at the point/);
  assert.ok(form("map").includes('name="readRadiusM"'));
});
