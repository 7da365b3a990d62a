import "server-only";
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { agentJobLogs, agentJobRuns } from "@/db/schema";

export type AgentJobRunRow = typeof agentJobRuns.$inferSelect;

/** The run row of a job, created on the agent's first report; locked for the caller's transaction. */
export async function lockRun(
  executor: Executor,
  values: { jobId: string; leaseId: string; providerId: string },
): Promise<AgentJobRunRow> {
  await executor.insert(agentJobRuns).values(values).onConflictDoNothing();
  const [row] = await executor
    .select()
    .from(agentJobRuns)
    .where(eq(agentJobRuns.jobId, values.jobId))
    .for("update");
  if (!row) throw new Error("agent_job_runs row vanished");
  return row;
}

export async function runOfJob(executor: Executor, jobId: string) {
  const [row] = await executor.select().from(agentJobRuns).where(eq(agentJobRuns.jobId, jobId));
  return row;
}

export async function recordStart(executor: Executor, jobId: string, txHash: string, at: Date) {
  await executor
    .update(agentJobRuns)
    .set({ startTxHash: txHash, startedAt: at, updatedAt: at })
    .where(and(eq(agentJobRuns.jobId, jobId), isNull(agentJobRuns.startTxHash)));
}

/** Appends one chunk at the next sequence number and counts its bytes against the job's cap. */
export async function appendLog(
  executor: Executor,
  run: AgentJobRunRow,
  text: string,
  bytes: number,
) {
  const seq = run.logChunks;
  await executor.insert(agentJobLogs).values({ jobId: run.jobId, seq, text });
  await executor
    .update(agentJobRuns)
    .set({ logChunks: seq + 1, logBytes: run.logBytes + bytes, updatedAt: new Date() })
    .where(eq(agentJobRuns.jobId, run.jobId));
  return seq;
}

/** Stores the result once: the guard on result_hash makes a second upload write nothing. */
export async function storeResult(
  executor: Executor,
  jobId: string,
  values: { result: Uint8Array; resultHash: string; exitCode: number; usedSeconds: number },
  at: Date,
): Promise<boolean> {
  const rows = await executor
    .update(agentJobRuns)
    .set({ ...values, resultSize: values.result.byteLength, resultAt: at, updatedAt: at })
    .where(and(eq(agentJobRuns.jobId, jobId), isNull(agentJobRuns.resultHash)))
    .returning({ jobId: agentJobRuns.jobId });
  return rows.length === 1;
}

export async function recordSubmit(executor: Executor, jobId: string, txHash: string) {
  await executor
    .update(agentJobRuns)
    .set({ submitTxHash: txHash, updatedAt: new Date() })
    .where(and(eq(agentJobRuns.jobId, jobId), isNull(agentJobRuns.submitTxHash)));
}

/** A job's log chunks after `afterSeq`, oldest first. */
export async function logsOfJob(executor: Executor, jobId: string, afterSeq = -1, limit = 1000) {
  return executor
    .select({ seq: agentJobLogs.seq, text: agentJobLogs.text, at: agentJobLogs.createdAt })
    .from(agentJobLogs)
    .where(and(eq(agentJobLogs.jobId, jobId), gt(agentJobLogs.seq, afterSeq)))
    .orderBy(asc(agentJobLogs.seq))
    .limit(limit);
}

export async function resultOfJob(executor: Executor, jobId: string) {
  const [row] = await executor
    .select({ result: agentJobRuns.result, resultHash: agentJobRuns.resultHash })
    .from(agentJobRuns)
    .where(eq(agentJobRuns.jobId, jobId));
  return row;
}
