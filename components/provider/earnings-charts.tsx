"use client";

import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

/** Per day: ETH earned (as a number for drawing only; the figures above are exact) and utilization. */
export type ChartDay = { day: string; eth: number; utilization: number | null };

const axis = { stroke: "#71717a", fontSize: 12 };

export function EarningsCharts({ days }: { days: ChartDay[] }) {
  const data = days.map((d) => ({
    ...d,
    label: d.day.slice(5),
    pct: d.utilization === null ? 0 : d.utilization * 100,
  }));
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <figure className="rounded-xl border border-zinc-800 p-4">
        <figcaption className="mb-2 text-sm text-zinc-300">
          Earnings per day (ETH, UTC days)
        </figcaption>
        <div className="h-56" role="img" aria-label="Area chart of ETH earned per day">
          <ResponsiveContainer width="100%" height="100%">
            <AreaChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
              <CartesianGrid stroke="#27272a" vertical={false} />
              <XAxis dataKey="label" tick={axis} stroke="#3f3f46" minTickGap={16} />
              <YAxis
                tick={axis}
                stroke="#3f3f46"
                width={64}
                tickFormatter={(v: number) => v.toPrecision(2)}
              />
              <Tooltip
                contentStyle={{ background: "#18181b", border: "1px solid #3f3f46" }}
                formatter={(v) => [`${Number(v).toPrecision(4)} ETH`, "earned"]}
              />
              <Area
                type="monotone"
                dataKey="eth"
                stroke="#34d399"
                fill="#34d39933"
                isAnimationActive={false}
              />
            </AreaChart>
          </ResponsiveContainer>
        </div>
      </figure>
      <figure className="rounded-xl border border-zinc-800 p-4">
        <figcaption className="mb-2 text-sm text-zinc-300">GPU utilization per day (%)</figcaption>
        <div className="h-56" role="img" aria-label="Bar chart of GPU utilization per day">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={data} margin={{ left: 0, right: 8, top: 8, bottom: 0 }}>
              <CartesianGrid stroke="#27272a" vertical={false} />
              <XAxis dataKey="label" tick={axis} stroke="#3f3f46" minTickGap={16} />
              <YAxis tick={axis} stroke="#3f3f46" width={40} domain={[0, 100]} />
              <Tooltip
                contentStyle={{ background: "#18181b", border: "1px solid #3f3f46" }}
                formatter={(v) => [`${Number(v).toFixed(1)} %`, "utilization"]}
              />
              <Bar dataKey="pct" fill="#60a5fa" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}
