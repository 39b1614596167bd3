/** Number and text helpers shared by the benchmarks. */

export { mulberry32 } from "../lib/shared/random.ts";

/** Latency summary in milliseconds. */
export type Summary = {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
};

/** Nearest-rank percentiles of the finite values of a sample; none gives NaN everywhere. */
export function summarize(samples: number[]): Summary {
  const s = Float64Array.from(samples.filter(Number.isFinite)).sort();
  const at = (p: number) =>
    s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN;
  const sum = s.reduce((a, b) => a + b, 0);
  return {
    n: s.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: s.length ? s[s.length - 1] : NaN,
    mean: s.length ? sum / s.length : NaN,
  };
}

/** Mean of a list, NaN when empty. */
export function mean(xs: number[]): number {
  return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN;
}

/** A number with fixed decimals, or "-" when not finite. */
export function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : "-";
}

/** A whole number with thousands separators, or "-" when not finite. */
export function int(x: number): string {
  return Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "-";
}

/** A plain-text table with right-aligned columns. */
export function table(head: string[], rows: (string | number)[][]): string {
  const cells = [head, ...rows.map((r) => r.map(String))];
  const widths = head.map((_, i) =>
    Math.max(...cells.map((r) => (r[i] ?? "").length))
  );
  const line = (r: string[]) =>
    r.map((c, i) => c.padStart(widths[i])).join("  ");
  return [
    line(cells[0]),
    widths.map((w) => "-".repeat(w)).join("  "),
    ...cells.slice(1).map(line),
  ].join("\n");
}
