import { joinParts } from "./format.ts";

/** Someone as the chat names them; the handle is left out only when it is not known. */
export type Person = { displayName: string; handle?: string; guest?: true };

/** "Ann @ann" as plain text, for tooltips and screen-reader labels. */
export function personLabel(p: Person): string {
  return p.handle ? `${p.displayName} @${p.handle}` : p.displayName;
}

/** Props of PersonName: who, and an extra class for where it sits. */
export type PersonNameProps = { person: Person; class?: string };

/**
 * A display name followed by the @handle in a muted style: names can look alike, but a
 * handle is unique, so the pair tells people apart. A guest of an embedded room is marked.
 */
export default function PersonName({ person, class: extra }: PersonNameProps) {
  return (
    <span class={extra ? `person ${extra}` : "person"}>
      <span class="person__name">{person.displayName}</span>
      {person.handle && (
        <>
          {" "}
          <span class="person__handle">{`@${person.handle}`}</span>
        </>
      )}
      {person.guest && (
        <>
          {" "}
          <span class="badge badge--guest">guest</span>
        </>
      )}
    </span>
  );
}

/** Several people joined for reading: "Ann @ann, Ben @ben and 2 others". */
export function People(
  { people, total }: { people: Person[]; total?: number },
) {
  return (
    <>
      {joinParts(people, total).map((part, i) =>
        typeof part === "string" ? part : <PersonName key={i} person={part} />
      )}
    </>
  );
}
