import ChartFrame, {
  CHART,
  type ChartText,
  DayLabels,
  niceMax,
  PLOT,
  YGrid,
  yOf,
} from "./ChartFrame.tsx";

/** One series of a bar chart: its name, a CSS modifier for its colour, a value per day. */
export type BarSeries = { name: string; tone: string; values: number[] };

/**
 * Bars per day, stacked when there are several series. Only days with data get a bar (a
 * group of segments), each with a tooltip naming the day and its numbers.
 */
export default function ChartBars(
  { days, series, unit, ...text }: ChartText & {
    days: string[];
    series: BarSeries[];
    /** What one unit is called, in the plural ("messages"). */
    unit: string;
  },
) {
  const totals = days.map((_, i) =>
    series.reduce((sum, s) => sum + s.values[i], 0)
  );
  const max = niceMax(Math.max(0, ...totals));
  const band = PLOT.width / Math.max(days.length, 1);
  const barW = Math.max(1, band * 0.7);
  return (
    <ChartFrame {...text} legend={series.length > 1 ? series : undefined}>
      <YGrid max={max} />
      <g class="chart__bars">
        {days.map((day, i) => {
          if (totals[i] === 0) return null;
          let top = totals[i];
          const x = CHART.left + band * i + (band - barW) / 2;
          const parts = series.filter((s) => s.values[i] > 0)
            .map((s) => `${s.values[i]} ${s.name}`).join(", ");
          const label = series.length > 1
            ? `${day}: ${totals[i]} ${unit} (${parts})`
            : `${day}: ${totals[i]} ${unit}`;
          return (
            <g
              key={day}
              class="chart__bar"
              data-day={day}
              data-value={totals[i]}
            >
              <title>{label}</title>
              {series.map((s) => {
                const v = s.values[i];
                if (v === 0) return null;
                const y = yOf(top, max);
                top -= v;
                return (
                  <rect
                    key={s.tone}
                    class={`chart__seg chart__seg--${s.tone}`}
                    x={x}
                    y={y}
                    width={barW}
                    height={yOf(top, max) - y}
                  />
                );
              })}
            </g>
          );
        })}
      </g>
      <DayLabels days={days} />
    </ChartFrame>
  );
}
