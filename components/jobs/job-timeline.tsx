import type { JobTimeline, TimelineStep } from "@/lib/services/chain/timeline";
import type { MarketplaceStep } from "@/lib/services/jobs/buyer";
import { Amount } from "../ui/amount";

type Row = { key: string; label: string; at: Date | null; tx?: string; detail?: React.ReactNode };

const chainLabels: Record<TimelineStep["step"], string> = {
  funded: "Escrow funded",
  started: "Started by the provider",
  submitted: "Result submitted",
  disputed: "Disputed",
  finalized: "Finalized",
  resolved: "Dispute resolved",
  expired: "Expired (no-show)",
};

const time = new Intl.DateTimeFormat("en-GB", { timeStyle: "medium", timeZone: "UTC" });
const full = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "medium",
  timeStyle: "medium",
  timeZone: "UTC",
});

function detailOf(step: TimelineStep): React.ReactNode {
  switch (step.step) {
    case "funded":
      return (
        <>
          <Amount wei={step.escrow} /> locked
        </>
      );
    case "submitted":
      return `${step.usedSeconds} s used`;
    case "finalized":
    case "resolved":
    case "expired":
      return (
        <>
          <Amount wei={step.refund + step.slash} /> back to you
        </>
      );
    default:
      return null;
  }
}

/**
 * From submitted to settled: the market's steps, then each on-chain step with its transaction;
 * the steps still ahead are listed greyed so the buyer sees what comes next.
 */
export function JobTimelineList({
  createdAt,
  steps,
  timeline,
  settledOffChain,
}: {
  createdAt: Date;
  steps: MarketplaceStep[];
  timeline: JobTimeline | null;
  /** Cancelled or expired before funding: nothing comes next. */
  settledOffChain: boolean;
}) {
  const rows: Row[] = [{ key: "submitted", label: "Submitted", at: createdAt }];
  const seen = new Set<string>();
  for (const s of steps) {
    const label =
      s.type === "job.matched"
        ? "GPUs reserved"
        : s.type === "job.quoted"
          ? "Quote signed by the provider"
          : s.type === "job.cancelled"
            ? "Cancelled"
            : null;
    if (!label || seen.has(label)) continue;
    seen.add(label);
    rows.push({ key: s.type, label, at: s.at });
  }
  for (const step of timeline?.steps ?? []) {
    rows.push({
      key: `${step.step}-${step.txHash}`,
      label: chainLabels[step.step],
      at: step.blockTime,
      tx: step.txHash,
      detail: detailOf(step),
    });
  }
  const done = new Set(timeline?.steps.map((s) => s.step));
  const ahead: string[] = [];
  if (!settledOffChain && !["finalized", "resolved", "expired"].some((s) => done.has(s as never))) {
    if (!done.has("funded")) ahead.push("Escrow funded");
    if (!done.has("started")) ahead.push("Started by the provider");
    if (!done.has("submitted")) ahead.push("Result submitted");
    ahead.push("Settled");
  }
  return (
    <ol className="space-y-3" aria-label="Timeline">
      {rows.map((row) => (
        <li key={row.key} className="flex gap-3">
          <span aria-hidden className="mt-1.5 size-2.5 shrink-0 rounded-full bg-emerald-400" />
          <div className="min-w-0">
            <p className="text-sm text-zinc-100">
              {row.label}{" "}
              {row.at ? (
                <time
                  dateTime={row.at.toISOString()}
                  title={`${full.format(row.at)} UTC`}
                  className="text-zinc-400"
                >
                  {time.format(row.at)}
                </time>
              ) : null}
            </p>
            {row.detail ? <p className="text-xs text-zinc-400">{row.detail}</p> : null}
            {row.tx ? (
              <p className="truncate font-mono text-xs text-zinc-400" title={row.tx}>
                tx {row.tx}
              </p>
            ) : null}
          </div>
        </li>
      ))}
      {ahead.map((label) => (
        <li key={`ahead-${label}`} className="flex gap-3 text-zinc-400">
          <span
            aria-hidden
            className="mt-1.5 size-2.5 shrink-0 rounded-full border border-zinc-600"
          />
          <p className="text-sm">{label} —</p>
        </li>
      ))}
    </ol>
  );
}
