/** Severity of a log line. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = {
  debug: 10,
  info: 20,
  warn: 30,
  error: 40,
};
let threshold: LogLevel = "info";

/** Sets the lowest level that is written. */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

function write(
  level: LogLevel,
  event: string,
  fields: Record<string, unknown>,
): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const line = JSON.stringify({
    t: new Date().toISOString(),
    level,
    event,
    ...fields,
  });
  // One JSON object per line on stderr; callers never pass tokens, passwords or coordinates.
  console.error(line);
}

/** The one structured logger: `log.info("room.created", { roomId })`. */
export const log = {
  debug: (event: string, fields: Record<string, unknown> = {}) =>
    write("debug", event, fields),
  info: (event: string, fields: Record<string, unknown> = {}) =>
    write("info", event, fields),
  warn: (event: string, fields: Record<string, unknown> = {}) =>
    write("warn", event, fields),
  error: (event: string, fields: Record<string, unknown> = {}) =>
    write("error", event, fields),
};
