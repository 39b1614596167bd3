import { People, type Person } from "./PersonName.tsx";

/** "Ana @ana is typing…", "Ana @ana and Ben @ben are typing…", "Several people are typing…". */
function Typists({ people }: { people: Person[] }) {
  if (people.length === 0) return null;
  if (people.length > 3) return <>Several people are typing…</>;
  return (
    <>
      <span class="typing__who">
        <People people={people} />
      </span>
      <span class="typing__verb">
        {people.length === 1 ? " is typing…" : " are typing…"}
      </span>
    </>
  );
}

/** The line under the log that says who is typing; it keeps its height when empty. */
export default function TypingLine({ people }: { people: Person[] }) {
  return (
    <p class="typing" aria-live="polite">
      <Typists people={people} />
    </p>
  );
}
