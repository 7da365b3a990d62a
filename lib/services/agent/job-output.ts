import "server-only";
import type { Executor } from "@/db/client";
import { logsOfJob, resultOfJob, runOfJob } from "@/db/queries/agent/runs";
import { ownJob } from "../jobs/read";

export type JobOutput = {
  jobId: string;
  /** Log chunks after `afterSeq`, oldest first; pass the last seq back for the next ones. */
  logs: { seq: number; text: string; at: Date }[];
  logBytes: number;
  startTxHash: string | null;
  startedAt: Date | null;
  result: {
    hash: string;
    size: number;
    exitCode: number | null;
    usedSeconds: number | null;
    at: Date;
    submitTxHash: string | null;
  } | null;
};

/**
 * A job's stored logs and result metadata, for its consumer only: anyone else gets the same
 * not-found as for a job that does not exist (ownJob). `consumer` is the session's address.
 */
export async function jobOutput(
  db: Executor,
  consumer: string,
  jobId: string,
  afterSeq = -1,
): Promise<JobOutput> {
  await ownJob(db, consumer.toLowerCase(), jobId);
  const [run, logs] = await Promise.all([runOfJob(db, jobId), logsOfJob(db, jobId, afterSeq)]);
  return {
    jobId,
    logs,
    logBytes: run?.logBytes ?? 0,
    startTxHash: run?.startTxHash ?? null,
    startedAt: run?.startedAt ?? null,
    result:
      run?.resultHash && run.resultAt
        ? {
            hash: run.resultHash,
            size: run.resultSize ?? 0,
            exitCode: run.exitCode,
            usedSeconds: run.usedSeconds,
            at: run.resultAt,
            submitTxHash: run.submitTxHash,
          }
        : null,
  };
}

/** The result's bytes and keccak256, for its consumer only; undefined before it is uploaded. */
export async function jobResult(db: Executor, consumer: string, jobId: string) {
  await ownJob(db, consumer.toLowerCase(), jobId);
  const row = await resultOfJob(db, jobId);
  if (!row?.result || !row.resultHash) return undefined;
  return { bytes: row.result, hash: row.resultHash };
}
