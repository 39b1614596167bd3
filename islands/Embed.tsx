import { useEffect, useLayoutEffect, useRef, useState } from "preact/hooks";
import {
  EmbedComposer,
  EmbedGuestForm,
  EmbedSignInForm,
} from "../components/EmbedForms.tsx";
import EmbedMessages, { type EmbedRow } from "../components/EmbedMessages.tsx";
import PersonName from "../components/PersonName.tsx";
import type {
  EmbedAccess,
  EmbedProps,
  EmbedUser,
} from "../lib/shared/embed_schemas.ts";
import { EmbedClient, type EmbedStatus } from "./embed_client.ts";
import { linkParent, type ParentLink } from "./embed_frame.ts";
import {
  addPending,
  applyEvent,
  failPending,
  reloadRows,
  upsertMessage,
} from "./embed_rows.ts";

const STATUS_TEXT: Record<EmbedStatus, string> = {
  idle: "Reading",
  connecting: "Connecting…",
  live: "Live",
  offline: "Offline — reconnecting…",
};

/** How close to the bottom (px) still counts as "following" the conversation. */
const FOLLOW_SLACK_PX = 48;

/** What the footer offers someone not signed in. */
type Offer = "guest" | "signin" | "prompt";

/**
 * An embedded room: its history (server-rendered) for anyone, then, once the visitor signs
 * up as a guest or signs in, a live socket and a composer. Asks the widget to resize it.
 */
export default function Embed(props: EmbedProps) {
  const [rows, setRows] = useState<EmbedRow[]>(
    () => reloadRows([], props.history.items, props.history.head.seq),
  );
  const [me, setMe] = useState<EmbedUser | null>(props.me);
  const [access, setAccess] = useState<EmbedAccess | null>(null);
  const [status, setStatus] = useState<EmbedStatus>("idle");
  const [offer, setOffer] = useState<Offer>(
    props.allowGuests ? "guest" : "prompt",
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [local, setLocal] = useState(false);
  const client = useRef<EmbedClient | null>(null);
  const parent = useRef<ParentLink | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const root = useRef<HTMLDivElement>(null);
  const following = useRef(true);

  useEffect(() => {
    setLocal(true);
    const c = new EmbedClient(props.roomId, props.history.head, {
      status: setStatus,
      signedIn(user, a) {
        setMe(user);
        setAccess(a);
      },
      signedOut() {
        setMe(null);
        setAccess(null);
      },
      event: (f) => setRows((r) => applyEvent(r, f)),
      reload: (items, head) => setRows((r) => reloadRows(r, items, head.seq)),
      ack: (_, m) => setRows((r) => upsertMessage(r, m)),
      refused(clientId, message) {
        if (clientId) setRows((r) => failPending(r, clientId, message));
        else setError(message);
      },
    });
    client.current = c;
    void c.start(props.me);
    parent.current = linkParent(props.parentOrigin, props.origins, (open) => {
      if (open) document.getElementById("embed-text")?.focus();
    });
    // A narrower frame wraps lines anew: the height it needs changes with it.
    addEventListener("resize", askHeight);
    return () => {
      c.close();
      parent.current?.stop();
      removeEventListener("resize", askHeight);
    };
  }, []);

  // Keep the newest message in view while the reader is at the bottom; ask for a height.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && following.current) el.scrollTop = el.scrollHeight;
    askHeight();
  });

  /** Asks for everything around the log plus the whole log unscrolled (the widget caps it). */
  function askHeight() {
    const box = root.current;
    const el = scroller.current;
    const list = el?.firstElementChild as HTMLElement | null | undefined;
    if (box && el && list) {
      parent.current?.resize(
        box.offsetHeight - el.clientHeight + list.offsetHeight,
      );
    }
  }

  async function run(step: () => Promise<string | null>) {
    setBusy(true);
    setError(null);
    const failed = await step();
    setBusy(false);
    setError(failed);
  }

  function send(text: string): boolean {
    const clientId = client.current?.send(text) ?? null;
    if (!clientId || !me) {
      setError("Not connected yet: try again in a moment");
      return false;
    }
    setError(null);
    following.current = true;
    setRows((r) => addPending(r, me, text, clientId, new Date().toISOString()));
    return true;
  }

  const c = client.current;
  let foot;
  if (me && access === "member") {
    foot = (
      <>
        <p class="embed__who">
          Posting as <PersonName person={me} />
        </p>
        <EmbedComposer
          busy={false}
          error={error}
          disabled={status !== "live"}
          onSend={send}
        />
      </>
    );
  } else if (me && access === "reader") {
    foot = (
      <p class="hint">
        You are reading. To post,{" "}
        <a href={`/rooms/${props.roomId}`} target="_blank" rel="noopener">
          join this room in Vicinity
        </a>{" "}
        from nearby.
      </p>
    );
  } else if (me) {
    foot = <p class="hint">Signing in…</p>;
  } else if (offer === "guest") {
    foot = (
      <EmbedGuestForm
        busy={busy}
        error={error}
        onJoin={(name) => c && run(() => c.joinAsGuest(name))}
        onSignIn={() => (setError(null), setOffer("signin"))}
      />
    );
  } else if (offer === "signin") {
    foot = (
      <EmbedSignInForm
        busy={busy}
        error={error}
        onSignIn={(h, p) => c && run(() => c.signIn(h, p))}
        onCancel={props.allowGuests
          ? () => (setError(null), setOffer("guest"))
          : undefined}
      />
    );
  } else {
    foot = (
      <p class="hint">
        <button
          type="button"
          class="link-button"
          onClick={() => setOffer("signin")}
        >
          Sign in
        </button>{" "}
        to post here.
      </p>
    );
  }

  return (
    <div class="embed" ref={root}>
      <header class="embed__head">
        <h1 class="embed__title">{props.roomName}</h1>
        <p class="embed__status" role="status">{STATUS_TEXT[status]}</p>
        <a
          class="embed__open"
          href={`/rooms/${props.roomId}`}
          target="_blank"
          rel="noopener"
        >
          Open in Vicinity
        </a>
      </header>
      <div
        class="embed__scroll"
        ref={scroller}
        onScroll={(e) => {
          const el = e.currentTarget;
          following.current =
            el.scrollHeight - el.scrollTop - el.clientHeight < FOLLOW_SLACK_PX;
        }}
      >
        <EmbedMessages rows={rows} meId={me?.id ?? null} local={local} />
      </div>
      <footer class="embed__foot">{foot}</footer>
    </div>
  );
}
