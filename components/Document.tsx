import type { ComponentChildren } from "preact";
import Header, { type HeaderUser } from "./Header.tsx";

/** What a full page needs besides its content. */
export type DocumentProps = {
  title: string;
  user: HeaderUser | null;
  islands: string[];
  children: ComponentChildren;
};

/** The whole HTML document: head, header, the page in <main>, island scripts last. */
export default function Document(
  { title, user, islands, children }: DocumentProps,
) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title === "Vicinity" ? title : `${title} · Vicinity`}</title>
        <link rel="stylesheet" href="/static/app.css" />
        <link rel="stylesheet" href="/static/chat.css" />
        <link rel="manifest" href="/static/manifest.webmanifest" />
        <link rel="icon" href="/static/icon.svg" type="image/svg+xml" />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <Header user={user} />
        <main id="main" class="container">
          {children}
        </main>
        {islands.map((name) => (
          <script type="module" src={`/static/build/${name}.js`} />
        ))}
      </body>
    </html>
  );
}
