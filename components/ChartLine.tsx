import ChartFrame, {
  CHART,
  type ChartText,
  DayLabels,
  niceMax,
  PLOT,
  YGrid,
  yOf,
} from "./ChartFrame.tsx";

/** A line through one value per day, with a dot (and tooltip) on every day above zero. */
export default function ChartLine(
  { days, values, unit, ...text }: ChartText & {
    days: string[];
    values: number[];
    unit: string;
  },
) {
  const max = niceMax(Math.max(0, ...values));
  const band = PLOT.width / Math.max(days.length, 1);
  const xOf = (i: number) => CHART.left + band * (i + 0.5);
  const points = values.map((v, i) => `${xOf(i)},${yOf(v, max)}`).join(" ");
  return (
    <ChartFrame {...text}>
      <YGrid max={max} />
      <polyline class="chart__line" points={points} />
      <g class="chart__points">
        {values.map((v, i) =>
          v > 0 && (
            <circle
              key={days[i]}
              class="chart__point"
              data-day={days[i]}
              data-value={v}
              cx={xOf(i)}
              cy={yOf(v, max)}
              r={3}
            >
              <title>{`${days[i]}: ${v} ${unit}`}</title>
            </circle>
          )
        )}
      </g>
      <DayLabels days={days} />
    </ChartFrame>
  );
}
