import type { ComponentChildren } from "preact";

/** The drawing area every chart shares (SVG user units; CSS scales it to the width). */
export const CHART = {
  width: 640,
  height: 220,
  left: 44,
  right: 12,
  top: 12,
  bottom: 28,
} as const;

/** The plot's inner width and height. */
export const PLOT = {
  width: CHART.width - CHART.left - CHART.right,
  height: CHART.height - CHART.top - CHART.bottom,
} as const;

/** A round axis maximum at or above `n` (1, 2, 5 × 10^k), and never 0. */
export function niceMax(n: number): number {
  if (n <= 1) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * p).find((v) => v >= n)!;
}

/** The y coordinate of a value on an axis running 0…max. */
export const yOf = (v: number, max: number) =>
  CHART.top + PLOT.height - (v / max) * PLOT.height;

/** "2025-03-07" as "7 Mar", for axis labels. */
export function shortDay(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "short",
    timeZone: "UTC",
  });
}

/** Horizontal grid lines with their values at 0, half and the top. */
export function YGrid({ max }: { max: number }) {
  const marks = [...new Set([0, max / 2, max])].filter(Number.isInteger);
  return (
    <g class="chart__grid" aria-hidden="true">
      {marks.map((v) => (
        <g key={v}>
          <line
            x1={CHART.left}
            x2={CHART.width - CHART.right}
            y1={yOf(v, max)}
            y2={yOf(v, max)}
          />
          <text x={CHART.left - 6} y={yOf(v, max) + 4} text-anchor="end">
            {v.toLocaleString("en")}
          </text>
        </g>
      ))}
    </g>
  );
}

/** Day labels under the plot: the first, the middle and the last day. */
export function DayLabels({ days }: { days: string[] }) {
  const band = PLOT.width / Math.max(days.length, 1);
  const picks = [
    ...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1]),
  ]
    .filter((i) => i >= 0);
  const anchor = (i: number) =>
    days.length === 1
      ? "middle"
      : i === 0
      ? "start"
      : i === days.length - 1
      ? "end"
      : "middle";
  const xOf = (i: number) =>
    days.length === 1
      ? CHART.left + band / 2
      : i === 0
      ? CHART.left
      : i === days.length - 1
      ? CHART.width - CHART.right
      : CHART.left + band * (i + 0.5);
  return (
    <g class="chart__labels" aria-hidden="true">
      {picks.map((i) => (
        <text key={i} x={xOf(i)} y={CHART.height - 8} text-anchor={anchor(i)}>
          {shortDay(days[i])}
        </text>
      ))}
    </g>
  );
}

/** What every chart shows besides its drawing: a title, a summary and the data as a table. */
export type ChartText = {
  /** Unique on the page; ids of the title and summary derive from it. */
  id: string;
  title: string;
  summary: string;
  /** Column headings, then one row per data point: the fallback for the drawing. */
  columns: string[];
  rows: (string | number)[][];
};

/**
 * A chart's figure: its visible title and text summary (which also name and describe the
 * SVG for screen readers), the drawing, and its data as a table under a disclosure.
 */
export default function ChartFrame(
  {
    id,
    title,
    summary,
    columns,
    rows,
    children,
    height = CHART.height,
    legend,
  }:
    & ChartText
    & {
      children: ComponentChildren;
      height?: number;
      /** Names of the series by colour, when there are several. */
      legend?: { name: string; tone: string }[];
    },
) {
  return (
    <figure class="chart" id={id} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`} class="chart__title">{title}</h3>
      <p id={`${id}-summary`} class="chart__summary">{summary}</p>
      {legend && (
        <ul class="chart__legend" aria-hidden="true">
          {legend.map((l) => (
            <li key={l.tone}>
              <span class={`chart__swatch chart__seg--${l.tone}`} />
              {l.name}
            </li>
          ))}
        </ul>
      )}
      <svg
        class="chart__svg"
        viewBox={`0 0 ${CHART.width} ${height}`}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-summary`}
      >
        {children}
      </svg>
      <details class="chart__data">
        <summary>Data table</summary>
        <table class="admin-table">
          <caption class="visually-hidden">{title}</caption>
          <thead>
            <tr>
              {columns.map((c) => <th scope="col" key={c}>{c}</th>)}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={String(r[0])}>
                {r.map((v, i) =>
                  i === 0
                    ? <th scope="row" key={i}>{v}</th>
                    : <td key={i}>{v}</td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
