import { useEffect, useState } from "preact/hooks";
import type {
  BanRow,
  ModerationPanelHandlers,
} from "../components/ModerationPanel.tsx";
import type { ModerationReportView } from "../lib/shared/moderation_schemas.ts";
import type { ApiResult } from "./api_client.ts";
import {
  closeReport,
  listReports,
  type RoomModerationApi,
  type Shield,
} from "./moderation_api.ts";
import { formatInterval } from "./moderation_select.ts";

/** What the room's moderation panel shows besides the room state. */
export type PanelData = {
  shield: Shield | null;
  bans: BanRow[] | null;
  reports: ModerationReportView[] | null;
  busy: boolean;
  error: string;
  status: string;
};

const EMPTY: PanelData = {
  shield: null,
  bans: null,
  reports: null,
  busy: false,
  error: "",
  status: "",
};

/** What the panel hook needs from the chat. */
export type PanelDeps = {
  roomId: string;
  api: RoomModerationApi;
  open: boolean;
  /** Deletes a message through the room's own delete action; resolves whether it worked. */
  remove(seq: number): Promise<boolean>;
  jump(seq: number): void;
  close(): void;
};

/**
 * The data and actions of a room's moderation panel: it loads the raid shield, the bans and
 * the open reports each time it opens (and on Refresh); slow mode and admissions then show
 * through the room's own events.
 */
export function useModerationPanel(
  d: PanelDeps,
): PanelData & { on: ModerationPanelHandlers } {
  const [data, setData] = useState<PanelData>(EMPTY);
  const patch = (p: Partial<PanelData>) => setData((x) => ({ ...x, ...p }));

  async function load() {
    const [shield, bans, reports] = await Promise.all([
      d.api.shield(),
      d.api.bans(),
      listReports({ status: "open", room: d.roomId }),
    ]);
    const failed = [shield, bans, reports].find((r) => !r.ok);
    setData((x) => ({
      ...x,
      shield: shield.ok ? shield.data : x.shield,
      bans: bans.ok ? bans.data : x.bans,
      reports: reports.ok ? reports.data.items : x.reports,
      error: failed && !failed.ok ? failed.message : "",
    }));
  }
  useEffect(() => {
    if (d.open) load();
    else setData(EMPTY);
  }, [d.open]);

  /** Runs one action: its error or `done` goes to the status line, then `after` runs. */
  async function act(
    call: Promise<ApiResult<unknown>>,
    done: string,
    after?: () => void | Promise<void>,
  ) {
    patch({ busy: true, error: "", status: "" });
    const r = await call;
    patch(
      r.ok ? { busy: false, status: done } : { busy: false, error: r.message },
    );
    if (r.ok) await after?.();
  }
  const drop = (id: string) =>
    setData((x) => ({
      ...x,
      reports: x.reports?.filter((r) => r.id !== id) ?? null,
    }));

  return {
    ...data,
    on: {
      slowMode: (seconds) =>
        act(
          d.api.slowMode(seconds),
          seconds
            ? `Slow mode: one message every ${formatInterval(seconds)}.`
            : "Slow mode is off.",
        ),
      lowerShield: () =>
        act(d.api.lowerShield(), "The raid shield is down.", load),
      admit: (userId) => act(d.api.admit(userId), "Let in."),
      unban: (userId) => act(d.api.unban(userId), "Ban lifted.", load),
      resolve: (id) =>
        act(closeReport(id, "resolve"), "Report resolved.", () => drop(id)),
      dismiss: (id) =>
        act(closeReport(id, "dismiss"), "Report dismissed.", () => drop(id)),
      jump: (seq) => {
        d.close();
        requestAnimationFrame(() => d.jump(seq));
      },
      async removeMessage(seq) {
        patch({ busy: true, error: "", status: "" });
        const ok = await d.remove(seq);
        patch({ busy: false, status: ok ? "Message deleted." : "" });
      },
      refresh: () => void load(),
      close: d.close,
    },
  };
}
