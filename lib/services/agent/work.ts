import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "@/db/client";
import { agentWork } from "@/db/queries/agent/work";
import type { ProviderRow } from "@/db/queries/providers";
import { openEnv } from "../jobs/secrets";
import { marketDomain, quoteMessageOf } from "../quotes/sign-lease";
import { agentLimits } from "./limits";
import { listenForProvider } from "./wake";

/** JSON has no bigint: amounts travel as decimal strings. */
type Wire<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };

export type AgentQuoteRequest = {
  domain: ReturnType<typeof marketDomain>;
  message: Wire<ReturnType<typeof quoteMessageOf>>;
};

/** One lease the agent acts on. `job` (image, command, env) only once the job is funded. */
export type AgentWorkItem = {
  leaseId: string;
  jobId: string;
  chainJobId: string;
  status: "reserved" | "quoted" | "funded" | "running";
  gpuCount: number;
  maxSeconds: number;
  ratePerSecond: string;
  consumer: string;
  quoteExpiresAt: string;
  /** What to sign, while the lease is reserved. */
  quote: AgentQuoteRequest | null;
  job: { kind: string; image: string; command: string; env: Record<string, string> } | null;
  reported: { started: boolean; result: boolean; submitted: boolean };
};

export type AgentWork = { fingerprint: string; items: AgentWorkItem[] };

function wireQuote(message: ReturnType<typeof quoteMessageOf>): AgentQuoteRequest["message"] {
  return {
    ...message,
    ratePerSecond: message.ratePerSecond.toString(),
    maxSeconds: message.maxSeconds.toString(),
    expiresAt: message.expiresAt.toString(),
  };
}

/** The provider's leases to quote, to start and running, as the agent sees them. */
export async function workOf(db: Db, provider: ProviderRow): Promise<AgentWork> {
  const rows = await agentWork(db, provider.id);
  const items = rows.map(({ lease, job, run }): AgentWorkItem => {
    const status = lease.status as AgentWorkItem["status"];
    const funded = status === "funded" || status === "running";
    return {
      leaseId: lease.id,
      jobId: lease.jobId,
      chainJobId: lease.chainJobId,
      status,
      gpuCount: lease.gpuCount,
      maxSeconds: lease.maxSeconds,
      ratePerSecond: lease.ratePerSecond.toString(),
      consumer: lease.consumer,
      quoteExpiresAt: lease.quoteExpiresAt.toISOString(),
      quote:
        status === "reserved"
          ? { domain: marketDomain(), message: wireQuote(quoteMessageOf(lease, provider.address)) }
          : null,
      job: funded
        ? {
            kind: job.kind,
            image: job.image,
            command: job.command,
            env: openEnv(job.env, job.id),
          }
        : null,
      reported: {
        started: Boolean(run?.startTxHash),
        result: Boolean(run?.resultHash),
        submitted: Boolean(run?.submitTxHash),
      },
    };
  });
  const digest = createHash("sha256");
  for (const item of items) {
    const r = item.reported;
    digest.update(`${item.leaseId}:${item.status}:${r.started}:${r.result}:${r.submitted};`);
  }
  return { fingerprint: digest.digest("hex").slice(0, 32), items };
}

/** Rechecks the database this often even without a notification (a lost LISTEN connection). */
const RECHECK_MS = 2_000;

/**
 * The provider's work as soon as it differs from what the agent last saw (`since`, the
 * fingerprint it was given), or as it is after `waitMs`: a long-poll woken by the leases
 * trigger's notifications, not by polling.
 */
export async function waitForWork(
  db: Db,
  provider: ProviderRow,
  since: string | null,
  waitMs: number,
  signal?: AbortSignal,
): Promise<AgentWork> {
  const deadline = Date.now() + Math.min(Math.max(waitMs, 0), agentLimits.maxWaitMs);
  let last: AgentWork | undefined;
  for (;;) {
    // The agent hung up: answer nobody, read nothing more.
    if (last && signal?.aborted) return last;
    const listener = await listenForProvider(db, provider.id);
    try {
      const work = await workOf(db, provider);
      last = work;
      const left = deadline - Date.now();
      if (work.fingerprint !== since || left <= 0 || signal?.aborted) return work;
      await listener.wait(Math.min(left, RECHECK_MS), signal);
    } finally {
      listener.stop();
    }
  }
}

/**
 * The provider's work each time it differs from the last one given (the first time, from
 * `since`), until `waitMs` passes or `signal` aborts: the lines of the streamed work answer.
 */
export async function* streamWork(
  db: Db,
  provider: ProviderRow,
  since: string | null,
  waitMs: number,
  signal?: AbortSignal,
): AsyncGenerator<AgentWork> {
  const deadline = Date.now() + Math.min(Math.max(waitMs, 0), agentLimits.maxWaitMs);
  let last = since;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return;
    const work = await waitForWork(db, provider, last, left, signal);
    if (signal?.aborted) return;
    if (work.fingerprint !== last) {
      last = work.fingerprint;
      yield work;
    }
  }
}
