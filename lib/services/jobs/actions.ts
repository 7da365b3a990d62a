import "server-only";
import type { Db } from "@/db/client";
import type { JobRow } from "@/db/queries/jobs";
import { holdingLeaseOfJob, type LeaseRow } from "@/db/queries/leases";
import { defineAction } from "@/lib/actions/define-action";
import type { NoMatchView } from "@/lib/market/messages";
import { jobIdInput, submitJobInput } from "@/lib/market/schemas";
import { cancelJob } from "../lifecycle/cancel";
import { type Quote, quoteLease, quoteOfLease } from "../quotes/sign-lease";
import { localSignerResolver, type SignerResolver } from "../quotes/signers";
import { submitJob } from "../submit/submit-job";
import { explainJob, ownJob } from "./read";
import { redactEnv } from "./secrets";

export type JobView = Omit<JobRow, "env"> & { env: ReturnType<typeof redactEnv> };

export type Placement = {
  leaseId: string;
  offerId: string;
  providerId: string;
  market: string;
  gpuCount: number;
  pricePerGpuHour: bigint;
  ratePerSecond: bigint;
  maxSeconds: number;
  quoteExpiresAt: Date;
  status: LeaseRow["status"];
};

export type JobOutcome = {
  job: JobView;
  created: boolean;
  placement: Placement | null;
  /** Present once the provider's signer has signed; the wallet funds the job with it. */
  quote: Quote | null;
  /** Present when the job is pending: why nothing fits and what would. */
  noMatch: NoMatchView | null;
};

/** The lease a job holds, as the buyer sees it. */
export function placementOf(lease: LeaseRow): Placement {
  return {
    leaseId: lease.id,
    offerId: lease.offerId,
    providerId: lease.providerId,
    market: lease.market,
    gpuCount: lease.gpuCount,
    pricePerGpuHour: lease.pricePerGpuHour,
    ratePerSecond: lease.ratePerSecond,
    maxSeconds: lease.maxSeconds,
    quoteExpiresAt: lease.quoteExpiresAt,
    status: lease.status,
  };
}

/**
 * A job, its placement and quote, or the explanation of why it is queued. Signs the quote on
 * the way when the provider's signer is reachable from here.
 */
export async function jobOutcome(
  db: Db,
  job: JobRow,
  lease: LeaseRow | undefined,
  created: boolean,
  resolveSigner: SignerResolver,
): Promise<JobOutcome> {
  let quote: Quote | null = null;
  let current = lease;
  if (current?.status === "reserved") {
    quote = (await quoteLease(db, current.id, resolveSigner)) ?? null;
    if (quote) current = { ...current, status: "quoted", quoteSignature: quote.signature };
  } else if (current) {
    quote = (await quoteOfLease(db, current)) ?? null;
  }
  const status: JobRow["status"] = quote && job.status === "matched" ? "quoted" : job.status;
  return {
    job: { ...job, status, env: redactEnv(job.env) },
    created,
    placement: current ? placementOf(current) : null,
    quote,
    noMatch: job.status === "pending" ? await explainJob(db, job) : null,
  };
}

export const submitJobAction = defineAction(
  { input: submitJobInput, auth: true },
  async (input, { session, db }) => {
    const { job, lease, created } = await submitJob(db, session.address.toLowerCase(), input);
    return jobOutcome(db, job, lease, created, localSignerResolver);
  },
);

export const jobStatusAction = defineAction(
  { input: jobIdInput, auth: true },
  async ({ jobId }, { session, db }) => {
    const job = await ownJob(db, session.address.toLowerCase(), jobId);
    return jobOutcome(db, job, await holdingLeaseOfJob(db, jobId), false, localSignerResolver);
  },
);

export const cancelJobAction = defineAction(
  { input: jobIdInput, auth: true },
  async ({ jobId }, { session, db }) => {
    const result = await cancelJob(db, session.address.toLowerCase(), jobId);
    return { jobId, status: "cancelled" as const, from: result.from };
  },
);
