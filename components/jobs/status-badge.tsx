import type { JobStatus } from "@/db/schema/jobs";

/** UI.md's status colours: pending grey, matched / quoted blue, funded / running amber, submitted violet, finalized green, disputed / expired red. */
const tones: Record<JobStatus, string> = {
  pending: "bg-zinc-700/40 text-zinc-200 ring-zinc-500/40",
  matched: "bg-sky-500/15 text-sky-200 ring-sky-400/40",
  quoted: "bg-sky-500/15 text-sky-200 ring-sky-400/40",
  funded: "bg-amber-500/15 text-amber-200 ring-amber-400/40",
  running: "bg-amber-500/15 text-amber-200 ring-amber-400/40",
  submitted: "bg-violet-500/15 text-violet-200 ring-violet-400/40",
  finalized: "bg-emerald-500/15 text-emerald-200 ring-emerald-400/40",
  resolved: "bg-emerald-500/15 text-emerald-200 ring-emerald-400/40",
  disputed: "bg-red-500/15 text-red-200 ring-red-400/40",
  expired: "bg-red-500/15 text-red-200 ring-red-400/40",
  cancelled: "bg-zinc-700/40 text-zinc-300 ring-zinc-500/40",
};

export function JobStatusBadge({ status }: { status: JobStatus }) {
  return (
    <span
      className={`inline-flex rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${tones[status]}`}
      data-testid="job-status"
    >
      {status}
    </span>
  );
}
