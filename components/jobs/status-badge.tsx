import { StatusBadge } from "@/components/ui/badge";
import type { JobStatus } from "@/db/schema/jobs";

/** The shared status badge, marked so specs and scripts can read a job's status off the page. */
export function JobStatusBadge({ status }: { status: JobStatus }) {
  return (
    <span data-testid="job-status" className="inline-flex">
      <StatusBadge status={status} />
    </span>
  );
}
