import { Hono } from "hono";
import DocsApi, { type ApiDoc } from "../../components/DocsApi.tsx";
import DocsMarkdown from "../../components/DocsMarkdown.tsx";
import type { AppEnv } from "../../lib/http/env.ts";
import { parseMarkdown } from "../../lib/http/markdown.ts";
import { render } from "../../lib/http/render.tsx";
import { apiDocument } from "../api/mod.ts";

const PROTOCOL = new URL("../../docs/protocol.md", import.meta.url);

let protocol: Promise<string> | undefined;
/** docs/protocol.md, read once per isolate (it ships with the code). */
const protocolSource = () =>
  protocol ??= Deno.readTextFile(PROTOCOL).catch((err) => {
    protocol = undefined;
    throw err;
  });

/**
 * "/docs": the API reference rendered from the OpenAPI document the API serves;
 * "/docs/protocol": docs/protocol.md as HTML (and its source at /docs/protocol.md).
 */
export function createDocsPages() {
  return new Hono<AppEnv>()
    .get("/docs", (c) =>
      render(c, <DocsApi doc={apiDocument() as ApiDoc} />, {
        title: "API",
      }))
    .get("/docs/protocol", async (c) =>
      render(
        c,
        <DocsMarkdown
          blocks={parseMarkdown(await protocolSource())}
          source="/docs/protocol.md"
        />,
        { title: "WebSocket protocol" },
      ))
    .get("/docs/protocol.md", async (c) =>
      c.body(await protocolSource(), 200, {
        "content-type": "text/markdown; charset=utf-8",
        "x-content-type-options": "nosniff",
      }));
}
