import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import type { ChainJobStatus } from "@/db/schema/chain";
import type { JobStatus } from "@/db/schema/jobs";
import { big, bigOrNull, date, dateOrNull, fromEpoch } from "./row-values";

/**
 * What the pages read about one job from the chain indexer's rows (lib/indexer): its events and
 * state, and the marketplace job it belongs to. Never an RPC call. Amounts come back as bigint.
 */

/** One stored ComputeMarket event: its decoded arguments as the indexer keeps them. */
export type StoredEvent = {
  name: string;
  txHash: string;
  blockNumber: bigint;
  blockTime: Date;
  logIndex: number;
  args: Record<string, string | number | boolean>;
};

type EventJson = {
  name: string;
  tx: string;
  block: string;
  time: string;
  log: number;
  args: Record<string, string | number | boolean>;
};

const eventOf = (e: EventJson): StoredEvent => ({
  name: e.name,
  txHash: e.tx,
  blockNumber: BigInt(e.block),
  blockTime: fromEpoch(e.time),
  logIndex: e.log,
  args: e.args,
});

/** A job as chain_jobs holds it (the contract's view of it, from its events). */
export type ChainJob = {
  jobId: string;
  consumer: string;
  provider: string;
  status: ChainJobStatus;
  ratePerSecond: bigint;
  maxSeconds: bigint;
  escrow: bigint;
  collateral: bigint;
  feeBps: number;
  fundedAt: Date;
  startDeadline: Date;
  deadline: Date;
  startedAt: Date | null;
  submittedAt: Date | null;
  usedSeconds: bigint | null;
  resultHash: string | null;
  challengeEndsAt: Date | null;
  disputedAt: Date | null;
  disputeEndsAt: Date | null;
  settledAt: Date | null;
  providerAmount: bigint | null;
  fee: bigint | null;
  consumerAmount: bigint | null;
  slashed: bigint | null;
};

type ChainJobSql = {
  job_id: string;
  consumer: string;
  provider: string;
  status: ChainJobStatus;
  rate_per_second: string;
  max_seconds: string;
  escrow: string;
  collateral: string;
  fee_bps: number;
  funded_at: Date | string;
  start_deadline: Date | string;
  deadline: Date | string;
  started_at: Date | string | null;
  submitted_at: Date | string | null;
  used_seconds: string | null;
  result_hash: string | null;
  challenge_ends_at: Date | string | null;
  disputed_at: Date | string | null;
  dispute_ends_at: Date | string | null;
  settled_at: Date | string | null;
  provider_amount: string | null;
  fee: string | null;
  consumer_amount: string | null;
  slashed: string | null;
};

/**
 * A chain job with every event that names it, in chain order, in one statement (the job's
 * primary key, then `chain_events_job_idx`). Undefined when the index has not seen it funded.
 */
export async function chainJobWithEvents(
  executor: Executor,
  chainJobId: string,
): Promise<{ job: ChainJob; events: StoredEvent[] } | undefined> {
  const [row] = await queryRows<ChainJobSql & { events: EventJson[] }>(
    executor,
    sql`select j.job_id, j.consumer, j.provider, j.status, j.rate_per_second::text,
          j.max_seconds::text, j.escrow::text, j.collateral::text, j.fee_bps, j.funded_at,
          j.start_deadline, j.deadline, j.started_at, j.submitted_at, j.used_seconds::text,
          j.result_hash, j.challenge_ends_at, j.disputed_at, j.dispute_ends_at, j.settled_at,
          j.provider_amount::text, j.fee::text, j.consumer_amount::text, j.slashed::text,
          coalesce((
            select json_agg(json_build_object(
                     'name', e.name, 'tx', e.tx_hash, 'block', e.block_number::text,
                     'time', extract(epoch from e.block_time)::bigint::text,
                     'log', e.log_index, 'args', e.args)
                   order by e.block_number, e.log_index)
            from chain_events e where e.job_id = j.job_id), '[]'::json) as events
        from chain_jobs j
        where j.job_id = ${chainJobId.toLowerCase()}`,
  );
  if (!row) return undefined;
  return {
    job: {
      jobId: row.job_id,
      consumer: row.consumer,
      provider: row.provider,
      status: row.status,
      ratePerSecond: big(row.rate_per_second),
      maxSeconds: big(row.max_seconds),
      escrow: big(row.escrow),
      collateral: big(row.collateral),
      feeBps: row.fee_bps,
      fundedAt: date(row.funded_at),
      startDeadline: date(row.start_deadline),
      deadline: date(row.deadline),
      startedAt: dateOrNull(row.started_at),
      submittedAt: dateOrNull(row.submitted_at),
      usedSeconds: bigOrNull(row.used_seconds),
      resultHash: row.result_hash,
      challengeEndsAt: dateOrNull(row.challenge_ends_at),
      disputedAt: dateOrNull(row.disputed_at),
      disputeEndsAt: dateOrNull(row.dispute_ends_at),
      settledAt: dateOrNull(row.settled_at),
      providerAmount: bigOrNull(row.provider_amount),
      fee: bigOrNull(row.fee),
      consumerAmount: bigOrNull(row.consumer_amount),
      slashed: bigOrNull(row.slashed),
    },
    events: row.events.map(eventOf),
  };
}

/** A marketplace job, who may see it, and the chain job id its lease carries. */
export type MarketplaceJobRef = {
  jobId: string;
  consumer: string;
  status: JobStatus;
  /** The provider of the lease below; null when the job was never placed. */
  provider: string | null;
  /**
   * The chain id of the job's lease that the index has seen funded, else of its newest lease
   * (a job placed again after a quote expired has several leases); null when never placed.
   */
  chainJobId: string | null;
  /** The index holds that chain job. */
  onChain: boolean;
};

/** One statement: the job (primary key), its leases (`leases_job_idx`), their provider. */
export async function marketplaceJobRef(
  executor: Executor,
  jobId: string,
): Promise<MarketplaceJobRef | undefined> {
  const [row] = await queryRows<{
    id: string;
    consumer: string;
    status: JobStatus;
    provider: string | null;
    chain_job_id: string | null;
    on_chain: boolean | null;
  }>(
    executor,
    sql`select j.id, j.consumer, j.status, p.address as provider, l.chain_job_id, l.on_chain
        from jobs j
        left join lateral (
          select l.chain_job_id, l.provider_id,
                 exists (select 1 from chain_jobs c where c.job_id = l.chain_job_id) as on_chain
          from leases l
          where l.job_id = j.id
          order by on_chain desc, l.created_at desc
          limit 1
        ) l on true
        left join providers p on p.id = l.provider_id
        where j.id = ${jobId}::uuid`,
  );
  if (!row) return undefined;
  return {
    jobId: row.id,
    consumer: row.consumer,
    status: row.status,
    provider: row.provider,
    chainJobId: row.chain_job_id,
    onChain: row.on_chain === true,
  };
}
