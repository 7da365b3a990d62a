import type { ReactNode } from "react";
import { cn } from "./cn";

export type BadgeTone = "grey" | "blue" | "amber" | "violet" | "green" | "red";

const tones: Record<BadgeTone, string> = {
  grey: "bg-zinc-800 text-zinc-200 ring-zinc-600",
  blue: "bg-sky-950 text-sky-200 ring-sky-700",
  amber: "bg-amber-950 text-amber-200 ring-amber-700",
  violet: "bg-violet-950 text-violet-200 ring-violet-700",
  green: "bg-emerald-950 text-emerald-200 ring-emerald-700",
  red: "bg-red-950 text-red-200 ring-red-700",
};

export function Badge({
  tone = "grey",
  children,
  className,
}: {
  tone?: BadgeTone;
  children: ReactNode;
  className?: string;
}) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset",
        tones[tone],
        className,
      )}
    >
      {children}
    </span>
  );
}

/**
 * The job statuses' colours, one meaning across every page: waiting grey, matched or quoted blue,
 * money at work amber, result in violet, settled green, trouble red.
 */
const statusTones: Record<string, BadgeTone> = {
  pending: "grey",
  cancelled: "grey",
  matched: "blue",
  quoted: "blue",
  funded: "amber",
  running: "amber",
  submitted: "violet",
  finalized: "green",
  resolved: "green",
  disputed: "red",
  expired: "red",
};

export function statusTone(status: string): BadgeTone {
  return statusTones[status] ?? "grey";
}

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTone(status)}>{status}</Badge>;
}
