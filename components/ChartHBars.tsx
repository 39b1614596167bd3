import ChartFrame, { CHART, type ChartText, niceMax } from "./ChartFrame.tsx";

const ROW = 36;
const LABEL_W = 110;

/** Horizontal bars, one per named total (joins by category), labelled with the number. */
export default function ChartHBars(
  { items, unit, ...text }: ChartText & {
    items: { name: string; tone: string; value: number }[];
    unit: string;
  },
) {
  const max = niceMax(Math.max(0, ...items.map((i) => i.value)));
  const width = CHART.width - LABEL_W - CHART.right - 48;
  return (
    <ChartFrame {...text} height={items.length * ROW + 8}>
      {items.map((item, i) => {
        const y = 4 + i * ROW;
        const w = (item.value / max) * width;
        return (
          <g
            key={item.name}
            class="chart__hbar"
            data-name={item.name}
            data-value={item.value}
          >
            <title>{`${item.name}: ${item.value} ${unit}`}</title>
            <text class="chart__hlabel" x={LABEL_W - 8} y={y + ROW / 2 + 1}>
              {item.name}
            </text>
            {item.value > 0 && (
              <rect
                class={`chart__seg chart__seg--${item.tone}`}
                x={LABEL_W}
                y={y + 6}
                width={Math.max(1, w)}
                height={ROW - 12}
              />
            )}
            <text
              class="chart__hvalue"
              x={LABEL_W + Math.max(1, w) + 6}
              y={y + ROW / 2 + 1}
            >
              {item.value.toLocaleString("en")}
            </text>
          </g>
        );
      })}
    </ChartFrame>
  );
}
