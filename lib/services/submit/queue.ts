import type { JobRow } from "@/db/queries/jobs";
import type { LeaseRow } from "@/db/queries/leases";
import type { JobInsert } from "@/db/queries/placement/records";

/** What a submit answers: the job as stored, the lease holding its GPUs, whether it is new. */
export type SubmitResult = { job: JobRow; lease: LeaseRow | undefined; created: boolean };

/** A submit as it waits in the batcher's queue for its batch. */
export type Waiting = {
  values: JobInsert;
  now: Date;
  resolve: (result: SubmitResult) => void;
  reject: (error: unknown) => void;
};
