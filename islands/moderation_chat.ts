import { h } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { MemberExtras, MemberRow } from "../components/MemberList.tsx";
import ModerationMemberTools, {
  MUTE_CHOICES,
} from "../components/ModerationMemberTools.tsx";
import type { ModerationPanelProps } from "../components/ModerationPanel.tsx";
import { personLabel } from "../components/PersonName.tsx";
import type {
  ReportDialogProps,
  ReportSubject,
} from "../components/ReportDialog.tsx";
import { plainText } from "../components/format.ts";
import type { MessageView } from "../lib/shared/schemas.ts";
import type { ApiResult } from "./api_client.ts";
import type { ConversationHandle } from "./conversation_hooks.ts";
import { canModerate, moderationActions } from "./conversation_policy.ts";
import {
  type ReportInput,
  reportMessage,
  reportUser,
  roomModerationApi,
} from "./moderation_api.ts";
import { useModerationPanel } from "./moderation_panel.ts";
import {
  heldPeople,
  memberNote,
  mutedUntil,
  nextLapse,
  standingNotice,
  viewerStanding,
} from "./moderation_select.ts";
import type { RoomAction } from "./room_reducer.ts";
import { peopleIndex } from "./room_select.ts";
import type { RoomState } from "./room_state.ts";

/** Longest excerpt of a reported message shown in the report dialog. */
const EXCERPT_CHARS = 160;

/** Send refusals after which the viewer's standing is read again. */
const STANDING_REFUSALS = new Set(["muted", "held"]);

/** What the chat needs for reporting and room moderation. */
export type ModerationDeps = {
  roomId: string;
  /** What the page was rendered with about slow mode and the viewer's own standing. */
  initial: { slowModeS?: number; mutedUntil?: string | null; held?: boolean };
  state: RoomState;
  dispatch(a: RoomAction): void;
  hydrated: boolean;
  convo: ConversationHandle;
  /** Which side panel is open. */
  side: string | null;
  closePanel(): void;
  remove(seq: number): Promise<boolean>;
  jump(seq: number): void;
};

/** Reporting, the viewer's own standing and, for owners and admins, room moderation. */
export type ChatModeration = {
  /** The viewer moderates this room (its owners and admins). */
  allowed: boolean;
  /** The line above the composer, and whether the composer is locked. */
  notice: { text: string; locked: boolean } | null;
  extras: MemberExtras;
  reportMessage(m: MessageView): void;
  dialog: ReportDialogProps | null;
  panel: ModerationPanelProps;
};

type Reporting = Omit<ReportDialogProps, "onSubmit" | "onClose">;

/** The current time, moved on when the next mute lapses so the page redraws then. */
function useLapseClock(state: RoomState): number {
  const [now, setNow] = useState(() => Date.now());
  const lapse = nextLapse(state, now);
  useEffect(() => {
    if (lapse === null) return;
    // Timers past about 24.8 days fire at once; mutes last a week at most.
    const timer = setTimeout(() => setNow(Date.now()), lapse - now + 250);
    return () => clearTimeout(timer);
  }, [lapse]);
  // Another event (a new mute) may land after a lapse the clock has not seen yet.
  useEffect(() => setNow(Date.now()), [state.mutedUntil]);
  return now;
}

/** Reads who is muted and held when a panel opens, after a resync, and after a refusal. */
function useStanding(d: ModerationDeps, load: () => void) {
  const syncing = useRef(d.state.syncing);
  useEffect(() => void (d.side && load()), [d.side]);
  useEffect(() => {
    if (syncing.current && !d.state.syncing) load();
    syncing.current = d.state.syncing;
  }, [d.state.syncing]);
  const refused = d.state.pending.findLast((p) =>
    p.state === "failed" && STANDING_REFUSALS.has(p.code ?? "")
  )?.clientId;
  useEffect(() => void (refused && load()), [refused]);
}

/** Wires reporting and moderation for one room page. */
export function useChatModeration(d: ModerationDeps): ChatModeration {
  const { state, convo } = d;
  const api = useMemo(() => roomModerationApi(d.roomId), [d.roomId]);
  const now = useLapseClock(state);
  const [reporting, setReporting] = useState<Reporting | null>(null);
  const allowed = canModerate(state.kind, state.role);
  useEffect(() =>
    d.dispatch({
      type: "myStanding",
      slowModeS: d.initial.slowModeS ?? 0,
      mutedUntil: d.initial.mutedUntil ?? null,
      held: d.initial.held ?? false,
    }), []);
  useStanding(d, async () => {
    const r = await api.standing();
    if (r.ok) d.dispatch({ type: "standing", items: r.data });
  });
  const panel = useModerationPanel({
    roomId: d.roomId,
    api,
    open: allowed && d.side === "moderation",
    remove: d.remove,
    jump: d.jump,
    close: d.closePanel,
  });

  const report = (subject: ReportSubject) =>
    setReporting({ subject, busy: false, error: "", sent: null });
  async function submit(subject: ReportSubject, input: ReportInput) {
    setReporting({ subject, busy: true, error: "", sent: null });
    const r = subject.kind === "message"
      ? await reportMessage(d.roomId, subject.seq, input)
      : await reportUser(subject.id, d.roomId, input);
    setReporting(
      r.ok
        ? { subject, busy: false, error: "", sent: r.data.created }
        : { subject, busy: false, error: r.message, sent: null },
    );
  }

  function tools(m: MemberRow) {
    const who = personLabel(m);
    const act = (call: Promise<ApiResult<unknown>>, done: string) =>
      convo.act(call, () => done);
    const muteLabel = (min: number) =>
      MUTE_CHOICES.find(([n]) => n === min)?.[1] ?? `${min} min`;
    return h(ModerationMemberTools, {
      member: m,
      can: moderationActions(state.kind, state.role, state.me, m),
      muted: mutedUntil(state, m.id, now) !== null,
      held: state.heldMembers.includes(m.id),
      disabled: !d.hydrated || convo.busy,
      on: {
        report: () => report({ kind: "user", id: m.id, person: m }),
        mute: (min) =>
          act(api.mute(m.id, min), `Muted ${who} for ${muteLabel(min)}.`),
        unmute: () => act(api.unmute(m.id), `Unmuted ${who}.`),
        kick: () => act(api.kick(m.id), `Kicked ${who}.`),
        ban: (days) =>
          act(
            api.ban(m.id, days),
            days ? `Banned ${who} for ${days} days.` : `Banned ${who}.`,
          ),
        admit: () => act(api.admit(m.id), `Let in ${who}.`),
      },
    });
  }

  return {
    allowed,
    notice: standingNotice(viewerStanding(state, now), d.hydrated, now),
    extras: { note: (m) => memberNote(state, m.id, d.hydrated, now), tools },
    reportMessage: (m) =>
      report({
        kind: "message",
        seq: m.seq,
        author: m.author,
        excerpt: [...plainText(m.text)].slice(0, EXCERPT_CHARS).join(""),
      }),
    dialog: reporting && {
      ...reporting,
      onSubmit: (reason, note) => submit(reporting.subject, { reason, note }),
      onClose: () => setReporting(null),
    },
    panel: {
      ...panel,
      slowModeS: state.slowModeS,
      held: heldPeople(state, peopleIndex(state)),
      local: d.hydrated,
      disabled: !d.hydrated || panel.busy,
    },
  };
}
