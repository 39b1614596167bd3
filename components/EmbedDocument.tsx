import type { ComponentChildren } from "preact";
import type { EmbedTheme } from "../lib/shared/embed_schemas.ts";

/** What the embed's document needs: a title, the theme, the content. */
export type EmbedDocumentProps = {
  title: string;
  theme: EmbedTheme;
  children: ComponentChildren;
};

/**
 * The whole HTML document of an embedded room: no site header, its own stylesheet, the
 * Embed island's script last. `data-theme` forces light or dark; "auto" follows the system.
 */
export default function EmbedDocument(
  { title, theme, children }: EmbedDocumentProps,
) {
  return (
    <html lang="en" data-theme={theme}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta
          name="color-scheme"
          content={theme === "auto" ? "light dark" : theme}
        />
        <title>{`${title} · Vicinity`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="stylesheet" href="/static/embed.css" />
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
      </head>
      <body class="embed-body">
        {children}
        <script type="module" src="/static/build/Embed.js" />
      </body>
    </html>
  );
}
