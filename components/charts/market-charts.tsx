"use client";

import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export type ModelPoint = {
  name: string;
  gpusOnline: number;
  /** ETH per GPU-hour, for drawing only (the page shows exact amounts as text). */
  medianEth: number | null;
};

const axis = { stroke: "#a1a1aa", fontSize: 11 };
const tooltip = {
  contentStyle: { background: "#18181b", border: "1px solid #3f3f46", borderRadius: 8 },
  labelStyle: { color: "#fafafa" },
};

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

/** GPUs online by model, and the median ask per model (recharts; loaded after first paint). */
export default function MarketCharts({ models }: { models: ModelPoint[] }) {
  const priced = models.filter((m) => m.medianEth !== null);
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <Frame title="GPUs online by model">
        <BarChart data={models} margin={{ left: -10, right: 8 }}>
          <CartesianGrid stroke="#27272a" vertical={false} />
          <XAxis dataKey="name" {...axis} interval={0} angle={-30} textAnchor="end" height={60} />
          <YAxis {...axis} allowDecimals={false} />
          <Tooltip {...tooltip} formatter={(v) => [`${v} GPUs`, "online"]} />
          <Bar dataKey="gpusOnline" fill="#10b981" radius={[4, 4, 0, 0]} />
        </BarChart>
      </Frame>
      <Frame title="Median ask per model (ETH per GPU-hour)">
        <BarChart data={priced} margin={{ left: 4, right: 8 }}>
          <CartesianGrid stroke="#27272a" vertical={false} />
          <XAxis dataKey="name" {...axis} interval={0} angle={-30} textAnchor="end" height={60} />
          <YAxis {...axis} tickFormatter={(v: number) => v.toFixed(4)} />
          <Tooltip {...tooltip} formatter={(v) => [`${Number(v).toFixed(6)} ETH`, "median ask"]} />
          <Bar dataKey="medianEth" fill="#38bdf8" radius={[4, 4, 0, 0]} />
        </BarChart>
      </Frame>
    </div>
  );
}
