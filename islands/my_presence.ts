import * as z from "zod";
import type { ClientFrame } from "../lib/shared/protocol.ts";
import {
  browserEnv,
  type SocketEnv,
  type SocketStatus,
  tabSocket,
} from "./chat_socket.ts";

const MyStatusSchema = z.enum(["online", "away", "dnd"]);

/** A status a person can choose. */
export type MyStatus = z.infer<typeof MyStatusSchema>;

/** How long a tab stays hidden before an Online person shows as away. */
export const AUTO_AWAY_MS = 5 * 60_000;

/** The localStorage key that remembers the chosen status (shared by the site's tabs). */
export const STATUS_KEY = "vicinity:status";

/** Where the chosen status is remembered. */
export type StatusStore = {
  load(): string | null;
  save(value: string): void;
};

/** What the keeper needs: the tab socket's surface, a store and timers (fakes in tests). */
export type PresenceEnv = Pick<SocketEnv, "setTimeout" | "clearTimeout"> & {
  socket: {
    readonly status: SocketStatus;
    send(frame: ClientFrame): boolean;
    onStatus(fn: (s: SocketStatus) => void): () => void;
  };
  store: StatusStore;
};

/** Reads a stored or received status; anything unknown counts as nothing. */
export function parseStatus(value: unknown): MyStatus | null {
  const parsed = MyStatusSchema.safeParse(value);
  return parsed.success ? parsed.data : null;
}

/**
 * The viewer's own presence: the chosen status, remembered and sent on the tab socket each
 * time it becomes live; an Online person whose tab stays hidden for AUTO_AWAY_MS shows as away
 * until the tab is visible again.
 */
export class PresenceKeeper {
  #chosen: MyStatus;
  #idle = false;
  #hiddenTimer: unknown;
  #listeners = new Set<(s: MyStatus) => void>();
  #offStatus: () => void;
  readonly #env: PresenceEnv;

  constructor(env: PresenceEnv) {
    this.#env = env;
    this.#chosen = parseStatus(env.store.load()) ?? "online";
    // The server forgets a connection's status with the connection: tell every new one.
    this.#offStatus = env.socket.onStatus((s) => s === "live" && this.#send());
    if (env.socket.status === "live") this.#send();
  }

  /** The status the person chose. */
  get chosen(): MyStatus {
    return this.#chosen;
  }

  /** The status others are told now. */
  get effective(): MyStatus {
    return this.#idle && this.#chosen === "online" ? "away" : this.#chosen;
  }

  /** Calls `fn` whenever the chosen status changes; returns the way to stop. */
  onChange(fn: (s: MyStatus) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  /** The person picked a status: remember it and tell the server. */
  choose(status: MyStatus): void {
    this.#env.store.save(status);
    this.adopt(status);
  }

  /** Another tab picked a status (a storage event): follow it without storing it again. */
  adopt(value: unknown): void {
    const status = parseStatus(value);
    if (!status || status === this.#chosen) return;
    this.#change(() => {
      this.#chosen = status;
    });
    for (const fn of this.#listeners) fn(status);
  }

  /** The tab was hidden or shown (document.visibilityState). */
  setHidden(hidden: boolean): void {
    if (!hidden) {
      this.#env.clearTimeout(this.#hiddenTimer);
      this.#hiddenTimer = undefined;
      this.#change(() => {
        this.#idle = false;
      });
    } else if (this.#hiddenTimer === undefined && !this.#idle) {
      this.#hiddenTimer = this.#env.setTimeout(() => {
        this.#hiddenTimer = undefined;
        this.#change(() => {
          this.#idle = true;
        });
      }, AUTO_AWAY_MS);
    }
  }

  /** Stops following the socket and the clock. */
  dispose(): void {
    this.#offStatus();
    this.#env.clearTimeout(this.#hiddenTimer);
    this.#listeners.clear();
  }

  #change(apply: () => void): void {
    const before = this.effective;
    apply();
    if (this.effective !== before) this.#send();
  }

  #send(): void {
    // When not live this is dropped; the next "live" sends the status then.
    this.#env.socket.send({ type: "presence.set", status: this.effective });
  }
}

/** localStorage, which may be missing or refuse writes (private modes, full quota). */
function localStatusStore(): StatusStore {
  return {
    load() {
      try {
        return localStorage.getItem(STATUS_KEY);
      } catch {
        return null;
      }
    },
    save(value) {
      try {
        localStorage.setItem(STATUS_KEY, value);
      } catch {
        // Not remembered across reloads, but this tab still uses it.
      }
    },
  };
}

let shared: PresenceKeeper | null = null;

/** The tab's one keeper, wired to the tab socket, page visibility and the other tabs. */
export function tabPresence(): PresenceKeeper {
  if (shared) return shared;
  const keeper = new PresenceKeeper({
    ...browserEnv(),
    socket: tabSocket(),
    store: localStatusStore(),
  });
  const hidden = () => document.visibilityState === "hidden";
  document.addEventListener(
    "visibilitychange",
    () => keeper.setHidden(hidden()),
  );
  addEventListener("storage", (e) => {
    if (e.key === STATUS_KEY) keeper.adopt(e.newValue);
  });
  keeper.setHidden(hidden());
  shared = keeper;
  return keeper;
}
