import type { ReactNode } from "react";
import { cn } from "./cn";

/** A headline number with its unit; `delta` is a short note under it (e.g. "+3 today"). */
export function Stat({
  label,
  value,
  unit,
  delta,
  className,
}: {
  label: string;
  value: ReactNode;
  unit?: string;
  delta?: ReactNode;
  className?: string;
}) {
  return (
    <div className={cn("rounded-xl border border-zinc-800 bg-zinc-900/40 p-4", className)}>
      <dt className="text-xs text-zinc-400">{label}</dt>
      {/* A long figure pushes its unit to the next line whole, never one word per line. */}
      <dd className="mt-1 flex flex-wrap items-baseline gap-x-1.5">
        <span className="font-mono text-2xl font-semibold tabular-nums text-zinc-50">{value}</span>
        {unit ? <span className="text-xs whitespace-nowrap text-zinc-400">{unit}</span> : null}
      </dd>
      {delta ? <dd className="mt-1 text-xs text-zinc-400">{delta}</dd> : null}
    </div>
  );
}
