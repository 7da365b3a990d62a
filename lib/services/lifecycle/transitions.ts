import type { JobStatus } from "@/db/schema";

/**
 * The job lifecycle (docs/ARCHITECTURE.md, "Job lifecycle") as data: the statuses each status
 * may move to.
 * `matched` sits between pending and quoted: GPUs are reserved and the provider's signer has
 * not yet signed the quote. Quote expiry sends matched/quoted jobs back to pending.
 */
export const jobTransitions: Record<JobStatus, readonly JobStatus[]> = {
  pending: ["matched", "cancelled"],
  matched: ["quoted", "pending", "cancelled"],
  quoted: ["funded", "pending", "cancelled"],
  funded: ["running", "expired"],
  running: ["submitted", "expired"],
  submitted: ["finalized", "disputed"],
  disputed: ["resolved"],
  finalized: [],
  resolved: [],
  cancelled: [],
  expired: [],
};

/** The statuses from which `to` may be entered, optionally narrowed to `only`. */
export function sourcesOf(to: JobStatus, only?: readonly JobStatus[]): JobStatus[] {
  return (Object.keys(jobTransitions) as JobStatus[]).filter(
    (from) => jobTransitions[from].includes(to) && (!only || only.includes(from)),
  );
}
