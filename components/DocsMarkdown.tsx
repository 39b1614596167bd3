import type { ComponentChildren } from "preact";

/** A run of text inside a block of a markdown document. */
export type MdInline =
  | { kind: "text"; text: string }
  | { kind: "code"; text: string }
  | { kind: "strong"; children: MdInline[] }
  | { kind: "em"; children: MdInline[] }
  /** A link whose target is not a safe one (a relative file path, a script) has href null. */
  | { kind: "link"; href: string | null; children: MdInline[] };

/** A block of a markdown document. */
export type MdBlock =
  | { kind: "heading"; level: number; id: string; children: MdInline[] }
  | { kind: "paragraph"; children: MdInline[] }
  | { kind: "code"; lang: string; text: string }
  | { kind: "list"; ordered: boolean; items: MdBlock[][] }
  | { kind: "table"; head: MdInline[][]; rows: MdInline[][][] }
  | { kind: "rule" };

/** Inline runs as Preact nodes: every string is a text node, so nothing is read as HTML. */
export function Inline({ runs }: { runs: MdInline[] }) {
  return (
    <>
      {runs.map((r): ComponentChildren => {
        switch (r.kind) {
          case "text":
            return r.text;
          case "code":
            return <code>{r.text}</code>;
          case "strong":
            return (
              <strong>
                <Inline runs={r.children} />
              </strong>
            );
          case "em":
            return (
              <em>
                <Inline runs={r.children} />
              </em>
            );
          case "link":
            return r.href === null
              ? <Inline runs={r.children} />
              : (
                <a href={r.href}>
                  <Inline runs={r.children} />
                </a>
              );
        }
      })}
    </>
  );
}

function Block({ block }: { block: MdBlock }) {
  switch (block.kind) {
    case "heading": {
      const H = `h${Math.min(6, Math.max(1, block.level))}` as "h2";
      return (
        <H id={block.id}>
          <Inline runs={block.children} />
        </H>
      );
    }
    case "paragraph":
      return (
        <p>
          <Inline runs={block.children} />
        </p>
      );
    case "code":
      return (
        <pre class="docs-code" data-lang={block.lang || undefined}>
          <code>{block.text}</code>
        </pre>
      );
    case "list": {
      const L = block.ordered ? "ol" : "ul";
      return (
        <L>
          {block.items.map((item) => (
            <li>
              <Blocks blocks={item} />
            </li>
          ))}
        </L>
      );
    }
    case "table":
      return (
        <div class="docs-table">
          <table>
            <thead>
              <tr>
                {block.head.map((cell) => (
                  <th scope="col">
                    <Inline runs={cell} />
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {block.rows.map((row) => (
                <tr>
                  {row.map((cell) => (
                    <td>
                      <Inline runs={cell} />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      );
    case "rule":
      return <hr />;
  }
}

/** A parsed markdown document (or part of one) as Preact nodes. */
export function Blocks({ blocks }: { blocks: MdBlock[] }) {
  return (
    <>
      {blocks.map((b, i) => <Block key={i} block={b} />)}
    </>
  );
}

/** A markdown document as a page: a contents list of its second-level headings, then the text. */
export default function DocsMarkdown(
  { blocks, source }: { blocks: MdBlock[]; source?: string },
) {
  const sections = blocks.filter((b) => b.kind === "heading" && b.level === 2);
  const [first, ...rest] = blocks;
  const titled = first?.kind === "heading" && first.level === 1;
  return (
    <article class="docs stack">
      {titled && <Block block={first} />}
      {sections.length > 1 && (
        <nav aria-label="Contents" class="card docs-toc">
          <ul>
            {sections.map((h) =>
              h.kind === "heading" && (
                <li>
                  <a href={`#${h.id}`}>
                    <Inline runs={h.children} />
                  </a>
                </li>
              )
            )}
          </ul>
          {source && (
            <p class="muted">
              <a href={source}>Markdown source</a>
            </p>
          )}
        </nav>
      )}
      <Blocks blocks={titled ? rest : blocks} />
    </article>
  );
}
