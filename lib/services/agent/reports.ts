import "server-only";
import { type Hex, keccak256 } from "viem";
import type { Db } from "@/db/client";
import { leaseOfJobForProvider } from "@/db/queries/agent/leases";
import {
  appendLog,
  lockRun,
  recordStart,
  recordSubmit,
  runOfJob,
  storeResult,
} from "@/db/queries/agent/runs";
import { leaseById } from "@/db/queries/leases";
import type { ProviderRow } from "@/db/queries/providers";
import { transaction } from "@/db/retry";
import type { LeaseStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { type Quote, storeQuote } from "../quotes/sign-lease";
import { agentLimits } from "./limits";

/**
 * What the agent of one provider reports about the leases the engine gave it. Every report is
 * checked against the provider behind the API key: another provider's lease or job is "not
 * found" (its existence is not revealed), and each refusal writes nothing.
 */

function notYours(what: string): AppError {
  return new AppError("not_found", `No ${what} of yours has that id.`);
}

/** The agent's signed quote for a reserved lease; stored as the local signer's would be. */
export async function quoteFromAgent(
  db: Db,
  provider: ProviderRow,
  leaseId: string,
  signature: Hex,
): Promise<Quote> {
  const lease = await leaseById(db, leaseId);
  if (!lease || lease.providerId !== provider.id) throw notYours("lease");
  if (lease.status !== "reserved") {
    throw new AppError(
      "conflict",
      `This lease is ${lease.status}, not waiting for a quote; nothing was stored.`,
    );
  }
  const quote = await storeQuote(db, lease, signature, provider);
  if (!quote) {
    throw new AppError(
      "conflict",
      "The job moved on while it was being quoted; nothing was stored.",
    );
  }
  return quote;
}

/** The job's lease with this provider, in one of `statuses`, or a clear refusal. */
async function leaseToReport(
  db: Db,
  provider: ProviderRow,
  jobId: string,
  statuses: readonly LeaseStatus[],
  doing: string,
) {
  const lease = await leaseOfJobForProvider(db, jobId, provider.id);
  if (!lease) throw notYours("job");
  if (!statuses.includes(lease.status)) {
    throw new AppError(
      "conflict",
      `This job's lease is ${lease.status}; it cannot ${doing} now. Nothing was stored.`,
    );
  }
  return lease;
}

const RUNNABLE: readonly LeaseStatus[] = ["funded", "running"];
/** The indexer may already have seen submitResult (lease released) when the last logs arrive. */
const REPORTABLE: readonly LeaseStatus[] = ["funded", "running", "released"];

export async function startFromAgent(
  db: Db,
  provider: ProviderRow,
  jobId: string,
  txHash: Hex,
  now = new Date(),
) {
  const lease = await leaseToReport(db, provider, jobId, RUNNABLE, "start");
  return transaction(db, async (tx) => {
    const run = await lockRun(tx, { jobId, leaseId: lease.id, providerId: provider.id });
    if (run.startTxHash && run.startTxHash !== txHash.toLowerCase()) {
      throw new AppError("conflict", `This job's start was already reported (${run.startTxHash}).`);
    }
    await recordStart(tx, jobId, txHash.toLowerCase(), now);
    return { jobId, startTxHash: txHash.toLowerCase() };
  });
}

/** One chunk of the job's output, appended in order; refused whole past the job's cap. */
export async function logsFromAgent(db: Db, provider: ProviderRow, jobId: string, text: string) {
  const lease = await leaseToReport(db, provider, jobId, REPORTABLE, "take logs");
  const bytes = Buffer.byteLength(text, "utf8");
  return transaction(db, async (tx) => {
    const run = await lockRun(tx, { jobId, leaseId: lease.id, providerId: provider.id });
    if (run.resultHash) {
      throw new AppError("conflict", "This job's result was uploaded; its logs are closed.");
    }
    if (run.logBytes + bytes > agentLimits.logBytesPerJob) {
      throw new AppError(
        "unprocessable",
        `This job's logs would pass their cap of ${agentLimits.logBytesPerJob} bytes (${run.logBytes} stored); this chunk was not stored.`,
      );
    }
    const seq = await appendLog(tx, run, text, bytes);
    return { seq, logBytes: run.logBytes + bytes };
  });
}

/** The job's result, stored once with its keccak256 (what submitResult puts on chain). */
export async function resultFromAgent(
  db: Db,
  provider: ProviderRow,
  jobId: string,
  result: Uint8Array,
  report: { usedSeconds: number; exitCode: number },
  now = new Date(),
) {
  const lease = await leaseToReport(db, provider, jobId, RUNNABLE, "take a result");
  if (report.usedSeconds > lease.maxSeconds) {
    throw new AppError(
      "bad_request",
      `usedSeconds ${report.usedSeconds} is more than the job's ${lease.maxSeconds} seconds.`,
    );
  }
  const resultHash = keccak256(result);
  return transaction(db, async (tx) => {
    await lockRun(tx, { jobId, leaseId: lease.id, providerId: provider.id });
    const stored = await storeResult(tx, jobId, { result, resultHash, ...report }, now);
    if (!stored) {
      throw new AppError(
        "conflict",
        "A result for this job was already uploaded; a job has one result. Nothing was stored.",
      );
    }
    return { jobId, resultHash, size: result.byteLength };
  });
}

/** The submitResult transaction, after the result was uploaded. */
export async function submittedFromAgent(
  db: Db,
  provider: ProviderRow,
  jobId: string,
  txHash: Hex,
) {
  await leaseToReport(db, provider, jobId, REPORTABLE, "be submitted");
  const run = await runOfJob(db, jobId);
  if (!run?.resultHash) {
    throw new AppError("conflict", "Upload the job's result before reporting submitResult.");
  }
  if (run.submitTxHash && run.submitTxHash !== txHash.toLowerCase()) {
    throw new AppError(
      "conflict",
      `This job's submitResult was already reported (${run.submitTxHash}).`,
    );
  }
  await recordSubmit(db, jobId, txHash.toLowerCase());
  return { jobId, submitTxHash: txHash.toLowerCase(), resultHash: run.resultHash };
}
