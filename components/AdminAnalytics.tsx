import type { AdminStats, DayStats } from "../lib/shared/admin_schemas.ts";
import AdminBusiest from "./AdminBusiest.tsx";
import AdminNav from "./AdminNav.tsx";
import ChartBars from "./ChartBars.tsx";
import ChartHBars from "./ChartHBars.tsx";
import ChartLine from "./ChartLine.tsx";

/** What the range form shows: the values asked for, and why they were refused. */
export type RangeForm = { from: string; to: string; error?: string };

const n = (v: number) => v.toLocaleString("en");
const plural = (v: number, one: string, many: string) =>
  `${n(v)} ${v === 1 ? one : many}`;

/** "the most on 2025-03-07 (12)", for the day with the largest value. */
function peak(days: DayStats[], pick: (d: DayStats) => number) {
  const best = days.reduce((a, d) => pick(d) > pick(a) ? d : a, days[0]);
  return `the most on ${best.day} (${n(pick(best))})`;
}

const CATEGORIES = ["social", "networking", "event", "venue"] as const;
const KINDS = ["proximity", "group", "direct"] as const;

/** The date range form: UTC days, both included. */
function Range({ form }: { form: RangeForm }) {
  return (
    <form method="get" action="/admin" class="admin-range">
      <div class="field">
        <label for="range-from">From</label>
        <input id="range-from" name="from" type="date" value={form.from} />
      </div>
      <div class="field">
        <label for="range-to">To</label>
        <input id="range-to" name="to" type="date" value={form.to} />
      </div>
      <button type="submit" class="button button--primary">Show</button>
      <p class="hint admin-range__hint">
        UTC days, both included; at most 366 days.
      </p>
      {form.error && <p class="form-error" role="alert">{form.error}</p>}
    </form>
  );
}

/** The charts of one range: messages, active users, rooms created, joins; then the busiest. */
function Charts({ stats }: { stats: AdminStats }) {
  const { days, totals } = stats;
  const dayList = days.map((d) => d.day);
  const span = plural(days.length, "day", "days");
  const created = KINDS.reduce((s, k) => s + totals.roomsCreated[k], 0);
  const joins = CATEGORIES.reduce((s, c) => s + totals.joins[c], 0);
  const activeDays = days.filter((d) => d.activeUsers > 0).length;
  return (
    <>
      <ChartBars
        id="chart-messages"
        title="Messages per day"
        summary={totals.messages
          ? `${plural(totals.messages, "message", "messages")} in ${span}; ${
            peak(days, (d) => d.messages)
          }.`
          : `No messages in ${span}.`}
        columns={["Day", "Messages"]}
        rows={days.map((d) => [d.day, d.messages])}
        days={dayList}
        series={[{
          name: "messages",
          tone: "a",
          values: days.map((d) => d.messages),
        }]}
        unit="messages"
      />
      <ChartLine
        id="chart-active"
        title="Active users per day"
        summary={activeDays
          ? `People were active on ${
            plural(activeDays, "day", "days")
          } of ${span}; ${peak(days, (d) => d.activeUsers)}.`
          : `Nobody was active in ${span}.`}
        columns={["Day", "Active users"]}
        rows={days.map((d) => [d.day, d.activeUsers])}
        days={dayList}
        values={days.map((d) => d.activeUsers)}
        unit="active users"
      />
      <ChartBars
        id="chart-rooms"
        title="Rooms created per day"
        summary={`${plural(created, "room", "rooms")} created in ${span}: ${
          KINDS.map((k) => `${n(totals.roomsCreated[k])} ${k}`).join(", ")
        }.`}
        columns={["Day", "Proximity", "Group", "Direct"]}
        rows={days.map((d) => [d.day, ...KINDS.map((k) => d.roomsCreated[k])])}
        days={dayList}
        series={KINDS.map((k, i) => ({
          name: k,
          tone: "abc"[i],
          values: days.map((d) => d.roomsCreated[k]),
        }))}
        unit="rooms"
      />
      <ChartHBars
        id="chart-joins"
        title="Joins by room category"
        summary={`${
          plural(joins, "join", "joins")
        } of proximity rooms in ${span}: ${
          CATEGORIES.map((c) => `${n(totals.joins[c])} ${c}`).join(", ")
        }.`}
        columns={["Category", "Joins"]}
        rows={CATEGORIES.map((c) => [c, totals.joins[c]])}
        items={CATEGORIES.map((c) => ({
          name: c,
          tone: "b",
          value: totals.joins[c],
        }))}
        unit="joins"
      />
      <AdminBusiest rooms={stats.busiestRooms} />
    </>
  );
}

/** /admin: the analytics of a range of days, as charts with text and tables. */
export default function AdminAnalytics(
  { stats, form }: { stats: AdminStats | null; form: RangeForm },
) {
  return (
    <div class="admin-page">
      <h1>Admin</h1>
      <AdminNav current="/admin" />
      <section class="admin-section" aria-labelledby="analytics-title">
        <h2 id="analytics-title">
          Analytics{stats && `: ${stats.from} to ${stats.to}`}
        </h2>
        <Range form={form} />
        {stats && <Charts stats={stats} />}
      </section>
    </div>
  );
}
