import { joinNames } from "./format.ts";

/** "Ana is typing…", "Ana and Ben are typing…", "Several people are typing…", or nothing. */
export function typingText(names: string[]): string {
  if (names.length === 0) return "";
  if (names.length > 3) return "Several people are typing…";
  return `${joinNames(names)} ${names.length === 1 ? "is" : "are"} typing…`;
}

/** The line under the log that says who is typing; it keeps its height when empty. */
export default function TypingLine({ names }: { names: string[] }) {
  return (
    <p class="typing" aria-live="polite">
      {typingText(names)}
    </p>
  );
}
