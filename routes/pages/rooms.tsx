import type { Context } from "hono";
import { Hono } from "hono";
import RoomHeader, { roomTitle } from "../../components/RoomHeader.tsx";
import Welcome from "../../components/Welcome.tsx";
import Chat from "../../islands/Chat.tsx";
import Inbox from "../../islands/Inbox.tsx";
import JoinRoom from "../../islands/JoinRoom.tsx";
import NearbyRooms from "../../islands/NearbyRooms.tsx";
import type { User } from "../../lib/db/users.ts";
import type { AppEnv } from "../../lib/http/env.ts";
import { Island } from "../../lib/http/island.tsx";
import { render } from "../../lib/http/render.tsx";
import { AppError, notFound } from "../../lib/shared/errors.ts";
import {
  CHAT_HISTORY_LIMIT,
  type ChatProps,
} from "../../lib/shared/island_props.ts";
import { type RoomView, UlidSchema } from "../../lib/shared/schemas.ts";

/** Whether a non-member may read the room: a live peek from inside its read radius. */
async function peeking(c: Context<AppEnv>, user: User, room: RoomView) {
  if (room.kind !== "proximity" || room.ended) return false;
  try {
    await c.var.services.rooms.requireReader(user, room.id);
    return true;
  } catch (err) {
    // No peek, or it lapsed: the page offers joining instead.
    if (err instanceof AppError && err.code === "not_member") return false;
    throw err;
  }
}

/**
 * What the Chat island needs, or null when the user has not joined the room nor peeks into
 * it (then it is read-only): for a direct conversation also the other person and an open
 * request; everywhere, whom the user blocked; read-only too once an event has ended.
 */
async function chatProps(
  c: Context<AppEnv>,
  user: User,
  room: RoomView,
): Promise<ChatProps | null> {
  const { chat, inbox, conversations, rooms } = c.var.services;
  const role = await rooms.getRole(user, room.id);
  if (!role && !(await peeking(c, user, room))) return null;
  try {
    const [history, item, blocked, membership] = await Promise.all([
      chat.listMessages(user, room.id, { limit: CHAT_HISTORY_LIMIT }),
      room.kind === "direct"
        ? inbox.item(user, room.id, { includeHidden: true })
        : null,
      conversations.listBlocked(user),
      role
        ? rooms.requireMember(user, room.id).then((m) => m.membership)
        : null,
    ]);
    return {
      roomId: room.id,
      roomName: room.name,
      ownerId: room.ownerId,
      memberCount: room.memberCount,
      me: { id: user.id, handle: user.handle, displayName: user.displayName },
      role: role ?? "member",
      history,
      kind: room.kind,
      peer: item?.peer ?? null,
      request: item?.request ?? null,
      blocked: blocked.map((b) => b.id),
      slowModeS: room.slowModeS,
      // A lapsed mute is harmless here: the chat compares it with the time.
      mutedUntil: membership?.mutedUntil === undefined
        ? null
        : new Date(membership.mutedUntil).toISOString(),
      held: membership?.held === true,
      readOnly: !role ? "peek" : room.ended ? "ended" : undefined,
    };
  } catch (err) {
    // The user may have left (or the peek lapsed) between the two reads.
    if (err instanceof AppError && err.code === "not_member") return null;
    throw err;
  }
}

async function roomPage(c: Context<AppEnv>) {
  const user = c.var.user;
  if (!user) {
    const next = encodeURIComponent(new URL(c.req.url).pathname);
    return c.redirect(`/login?next=${next}`, 303);
  }
  const id = UlidSchema.safeParse(c.req.param("id"));
  if (!id.success) throw notFound("Room");
  const room = await c.var.services.rooms.getRoomView(user, id.data);
  const props = await chatProps(c, user, room);
  const island = props ? "Chat" : room.ended ? null : "JoinRoom";
  const body = props
    ? <Island name="Chat" component={Chat} props={props} />
    : room.ended
    ? (
      <p>
        <a href="/">Find rooms nearby</a>
      </p>
    )
    : (
      <Island
        name="JoinRoom"
        component={JoinRoom}
        props={{
          roomId: room.id,
          roomName: room.name,
          radiusM: room.radiusM ?? 0,
          readRadiusM: room.readRadiusM,
          category: room.category,
        }}
      />
    );
  const admin = room.kind === "proximity" &&
    (props?.role === "owner" || props?.role === "admin");
  return render(
    c,
    <div class="room-layout">
      <Island
        name="Inbox"
        component={Inbox}
        props={{
          me: {
            id: user.id,
            handle: user.handle,
            displayName: user.displayName,
          },
          variant: "sidebar" as const,
          currentRoomId: room.id,
        }}
      />
      <div class={props ? "room-page room-page--chat" : "room-page"}>
        <RoomHeader
          room={room}
          compact={!!props}
          peer={props?.peer}
          checkInScreen={admin && !props?.readOnly}
        />
        {body}
      </div>
    </div>,
    {
      title: roomTitle(room, props?.peer),
      islands: [...(island ? [island] : []), "Inbox"],
    },
  );
}

/** "/" (welcome or rooms nearby) and "/rooms/:id" (the chat, or how to join it). */
export function createRoomPages() {
  return new Hono<AppEnv>()
    .get("/", (c) => {
      if (!c.var.user) return render(c, <Welcome />, { title: "Vicinity" });
      return render(
        c,
        <>
          <h1 class="visually-hidden">Rooms nearby</h1>
          <Island
            name="NearbyRooms"
            component={NearbyRooms}
            props={{ radiusM: 1000, tileUrl: c.var.config.tileUrl }}
          />
        </>,
        { title: "Rooms nearby", islands: ["NearbyRooms"] },
      );
    })
    .get("/rooms/:id", roomPage);
}
