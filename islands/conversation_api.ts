import * as z from "zod";
import {
  type BlockedUser,
  BlockedUserSchema,
} from "../lib/shared/inbox_schemas.ts";
import type { RoomRole } from "../lib/shared/island_props.ts";
import { UlidSchema } from "../lib/shared/schemas.ts";
import { apiJson, type ApiResult } from "./api_client.ts";

const RoomRefSchema = z.object({ id: UlidSchema });
const AddedSchema = z.object({ userId: UlidSchema, added: z.boolean() });
const BlocksSchema = z.object({ items: z.array(BlockedUserSchema) });
const Anything = z.unknown();

/** Opens (or finds) the direct conversation with someone; answers its room id. */
export async function startDirect(
  handle: string,
): Promise<ApiResult<string>> {
  const r = await apiJson("/direct", RoomRefSchema, { body: { handle } });
  return r.ok ? { ...r, data: r.data.id } : r;
}

/** Accepts or declines a direct message request (its recipient only). */
export function answerRequest(
  roomId: string,
  accept: boolean,
): Promise<ApiResult<unknown>> {
  const verb = accept ? "accept" : "decline";
  return apiJson(`/direct/${roomId}/${verb}`, Anything, { method: "POST" });
}

/** Blocks someone by handle; they are not told. */
export function block(handle: string): Promise<ApiResult<BlockedUser>> {
  return apiJson("/me/blocks", BlockedUserSchema, { body: { handle } });
}

/** Lifts a block. */
export function unblock(userId: string): Promise<ApiResult<unknown>> {
  return apiJson(`/me/blocks/${userId}`, Anything, { method: "DELETE" });
}

/** The people the viewer blocked, newest first. */
export async function listBlocked(): Promise<ApiResult<BlockedUser[]>> {
  const r = await apiJson("/me/blocks", BlocksSchema);
  return r.ok ? { ...r, data: r.data.items } : r;
}

/** The member calls of one group: add by handle, change a role, remove. */
export function groupApi(roomId: string) {
  const member = (userId: string) => `/rooms/${roomId}/members/${userId}`;
  return {
    /** Adds someone by handle (owners and admins). */
    add: (handle: string) =>
      apiJson(`/rooms/${roomId}/members`, AddedSchema, { body: { handle } }),
    /** Gives a member another role (owners). */
    setRole: (userId: string, role: RoomRole) =>
      apiJson(member(userId), Anything, { method: "PATCH", body: { role } }),
    /** Removes a member (owners anyone, admins members only). */
    remove: (userId: string) =>
      apiJson(member(userId), Anything, { method: "DELETE" }),
  };
}
