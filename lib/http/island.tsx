import type { ComponentType } from "preact";

const JSON_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * Serialises island props as JSON safe inside a `<script>` element: `<`, `>`, `&` and the
 * line separators become \u escapes, so no text can close the script or open a comment.
 */
export function serializeIslandProps(props: unknown): string {
  return JSON.stringify(props).replace(
    /[<>&\u2028\u2029]/g,
    (ch) => JSON_ESCAPES[ch],
  );
}

let nextId = 0;

/** What the Island wrapper needs: the bundle name, the component and its JSON-safe props. */
export type IslandProps<P> = {
  name: string;
  component: ComponentType<P>;
  props: P;
};

/**
 * Server-renders an island inside its marker element, followed by one JSON props script that
 * `hydrateIslands` reads in the browser.
 */
export function Island<P>({ name, component, props }: IslandProps<P>) {
  const Component = component as ComponentType<object>;
  const id = `${name}-${(nextId++).toString(36)}`;
  return (
    <>
      <div data-island={name} data-island-id={id}>
        <Component {...(props as object)} />
      </div>
      <script
        type="application/json"
        data-island-props={id}
        // Raw text is required here: entities are not decoded inside <script>, and the JSON
        // was escaped above so it cannot break out of the element.
        dangerouslySetInnerHTML={{ __html: serializeIslandProps(props) }}
      />
    </>
  );
}
