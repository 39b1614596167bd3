import type { ComponentChildren } from "preact";
import { parseMarkup, type Token } from "../lib/shared/markup.ts";

/** The rel every user-posted link carries. */
export const LINK_REL = "noopener noreferrer nofollow ugc";

/** Props of RichText: the message text, which handles are real mentions, and the viewer. */
export type RichTextProps = {
  text: string;
  /** Whether a lower-cased handle is a mention worth marking; every @handle is when absent. */
  mentionHandles?: (handle: string) => boolean;
  /** The viewer's lower-cased handle, so mentions of them stand out. */
  me?: string;
};

type Context = { known?: (handle: string) => boolean; me?: string };

/** A chat message's text with its safe markup as Preact elements; text is never HTML. */
export default function RichText(props: RichTextProps) {
  const ctx = { known: props.mentionHandles, me: props.me?.toLowerCase() };
  return <>{renderTokens(parseMarkup(props.text), ctx)}</>;
}

function renderTokens(tokens: Token[], ctx: Context): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  tokens.forEach((token, key) => {
    const node = renderToken(token, key, ctx);
    const last = out.length - 1;
    // Adjacent strings become one text node, as the browser sees the server's HTML.
    if (typeof node === "string" && typeof out[last] === "string") {
      out[last] += node;
    } else out.push(node);
  });
  return out;
}

function renderToken(
  token: Token,
  key: number,
  ctx: Context,
): ComponentChildren {
  switch (token.kind) {
    case "text":
      return token.text;
    case "br":
      return <br key={key} />;
    case "code":
      return <code key={key}>{token.text}</code>;
    case "bold":
      return <strong key={key}>{renderTokens(token.children, ctx)}</strong>;
    case "italic":
      return <em key={key}>{renderTokens(token.children, ctx)}</em>;
    case "link":
      return (
        <a key={key} href={token.href} rel={LINK_REL} target="_blank">
          {token.text}
        </a>
      );
    case "mention": {
      const handle = token.handle.toLowerCase();
      if (ctx.known && !ctx.known(handle)) return `@${token.handle}`;
      const me = handle === ctx.me ? " mention--me" : "";
      return <span key={key} class={`mention${me}`}>{`@${token.handle}`}</span>;
    }
  }
}
