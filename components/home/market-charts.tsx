"use client";

import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";

export type ModelPoint = {
  name: string;
  gpusOnline: number;
};

/** The median ask per model per day; values in ETH per GPU-hour, for drawing only. */
export type PriceLines = {
  /** Axis labels, oldest first (e.g. "Nov 23"). */
  days: string[];
  /** One line per model: a value per day, null where the day was not sampled. */
  series: { key: string; name: string; eth: (number | null)[] }[];
};

const axis = { stroke: "#a1a1aa", fontSize: 11 };
const tooltip = {
  contentStyle: { background: "#18181b", border: "1px solid #3f3f46", borderRadius: 8 },
  labelStyle: { color: "#fafafa" },
};
/** One colour per catalog model (ten), distinct on the dark background. */
const lineColors = [
  "#38bdf8",
  "#10b981",
  "#f59e0b",
  "#a78bfa",
  "#f472b6",
  "#f87171",
  "#facc15",
  "#2dd4bf",
  "#fb923c",
  "#e4e4e7",
];

function Frame({ title, children }: { title: string; children: React.ReactElement }) {
  return (
    <figure className="rounded-xl border border-zinc-800 bg-zinc-900/40 p-4">
      <figcaption className="text-sm font-medium text-zinc-200">{title}</figcaption>
      <div className="mt-3 h-64">
        <ResponsiveContainer width="100%" height="100%">
          {children}
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/**
 * GPUs online by model (bars) and the median ask per model over the last days (lines). A day
 * without a sample is a gap in its line, never a zero; a lone day shows as a dot.
 */
export default function MarketCharts({
  models,
  prices,
}: {
  models: ModelPoint[];
  prices: PriceLines;
}) {
  const rows = prices.days.map((day, i) => {
    const row: Record<string, string | number | null> = { day };
    for (const s of prices.series) row[s.key] = s.eth[i] ?? null;
    return row;
  });
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Frame title="GPUs online by model">
        <BarChart data={models} margin={{ left: 12, right: 8 }}>
          <CartesianGrid stroke="#27272a" vertical={false} />
          <XAxis dataKey="name" {...axis} interval={0} angle={-30} textAnchor="end" height={60} />
          <YAxis {...axis} allowDecimals={false} />
          <Tooltip {...tooltip} formatter={(v) => [`${v} GPUs`, "online"]} />
          <Bar
            dataKey="gpusOnline"
            fill="#10b981"
            radius={[4, 4, 0, 0]}
            isAnimationActive={false}
          />
        </BarChart>
      </Frame>
      <Frame title={`Median ask per model, last ${prices.days.length} days (ETH per GPU-hour)`}>
        <LineChart data={rows} margin={{ left: 4, right: 8 }}>
          <CartesianGrid stroke="#27272a" vertical={false} />
          <XAxis dataKey="day" {...axis} interval={0} angle={-30} textAnchor="end" height={44} />
          <YAxis {...axis} tickFormatter={(v: number) => v.toFixed(4)} />
          <Tooltip {...tooltip} formatter={(v, name) => [`${Number(v).toFixed(6)} ETH`, name]} />
          <Legend wrapperStyle={{ fontSize: 11, color: "#d4d4d8" }} />
          {prices.series.map((s, i) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.name}
              type="monotone"
              stroke={lineColors[i % lineColors.length]}
              strokeWidth={2}
              dot={{ r: 3 }}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </Frame>
    </div>
  );
}
