/**
 * Compares the index with the chain itself: every log against the stored events (none missing,
 * none extra, none twice), and every indexed job, provider and balance against the contract's
 * views. Returns the differences, one line each (none: they agree). Test-only.
 */
import { sql } from "drizzle-orm";
import { type Address, createPublicClient, type Hex, http, toEventSelector } from "viem";
import { type Executor, queryRows } from "@/db/client";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { JobStatus, jobView, providerView } from "@/lib/web3/market-views";

const statusNames = Object.fromEntries(Object.entries(JobStatus).map(([k, v]) => [v, k]));
const seconds = (d: Date | string | null) =>
  d === null ? 0n : BigInt(Math.floor(new Date(d).getTime() / 1000));

export async function differencesFromChain(
  db: Executor,
  target: { url: string; contract: Address },
  addresses: readonly Address[] = [],
): Promise<string[]> {
  const client = createPublicClient({ transport: http(target.url, { retryCount: 2 }) });
  const read = <T>(functionName: string, args: unknown[]) =>
    (client.readContract as (p: unknown) => Promise<T>)({
      address: target.contract,
      abi: computeMarketAbi,
      functionName,
      args,
    });
  const out: string[] = [];
  const [cursor] = await queryRows<{ block_number: string }>(
    db,
    sql`select block_number::text from chain_cursor`,
  );
  if (!cursor) return ["no cursor: nothing was indexed"];
  const head = await client.getBlockNumber({ cacheTime: 0 });
  if (BigInt(cursor.block_number) !== head) {
    out.push(`the index is at block ${cursor.block_number}, the chain at ${head}`);
  }

  const logs = await client.getLogs({ address: target.contract, fromBlock: 0n, toBlock: head });
  const stored = await queryRows<{
    block_hash: string;
    log_index: number;
    name: string;
    n: number;
  }>(
    db,
    sql`select block_hash, log_index, name, count(*) over (partition by block_hash, log_index)::int as n
        from chain_events`,
  );
  const byKey = new Map(stored.map((r) => [`${r.block_hash}:${r.log_index}`, r]));
  for (const r of stored)
    if (r.n > 1) out.push(`event ${r.block_hash}:${r.log_index} stored ${r.n} times`);
  const onChain = new Set<string>();
  for (const log of logs) {
    const key = `${log.blockHash?.toLowerCase()}:${log.logIndex}`;
    onChain.add(key);
    if (!byKey.has(key)) out.push(`log ${key} (block ${log.blockNumber}) is not indexed`);
  }
  for (const key of byKey.keys())
    if (!onChain.has(key)) out.push(`event ${key} is not on the chain`);

  const jobs = await queryRows<{
    job_id: Hex;
    status: string;
    escrow: string;
    collateral: string;
    used_seconds: string | null;
    result_hash: string | null;
    start_deadline: string;
    deadline: string;
    challenge_ends_at: string | null;
    dispute_ends_at: string | null;
  }>(db, sql`select * from chain_jobs`);
  const funded = logs.filter((l) => l.topics[0] === jobFundedTopic).length;
  if (jobs.length !== funded) out.push(`${jobs.length} jobs indexed, ${funded} funded on chain`);
  for (const j of jobs) {
    const v = jobView(await read("job", [j.job_id]));
    const want = {
      status: statusNames[v.status],
      escrow: v.escrow,
      collateral: v.collateral,
      used: v.usedSeconds,
      result: v.submittedAt === 0n ? null : v.resultHash.toLowerCase(),
      startDeadline: v.startDeadline,
      deadline: v.deadline,
      challengeEndsAt: v.challengeEndsAt,
      disputeEndsAt: v.disputeEndsAt,
    };
    const got = {
      status: j.status,
      escrow: BigInt(j.escrow),
      collateral: BigInt(j.collateral),
      used: BigInt(j.used_seconds ?? 0),
      result: j.result_hash,
      startDeadline: seconds(j.start_deadline),
      deadline: seconds(j.deadline),
      challengeEndsAt: seconds(j.challenge_ends_at),
      disputeEndsAt: seconds(j.dispute_ends_at),
    };
    for (const k of Object.keys(want) as (keyof typeof want)[]) {
      if (want[k] !== got[k]) out.push(`job ${j.job_id} ${k}: chain ${want[k]}, index ${got[k]}`);
    }
  }

  const providers = await queryRows<{
    address: Address;
    stake: string;
    locked: string;
    pending_unstake: string;
    unstake_ready_at: string | null;
    signer: string;
  }>(db, sql`select * from chain_providers`);
  const known = new Set(providers.map((p) => p.address));
  for (const a of addresses) {
    if (!known.has(a.toLowerCase() as Address)) {
      const v = providerView(await read("provider", [a]));
      if (v.stake !== 0n) out.push(`provider ${a} has stake ${v.stake} on chain, none indexed`);
    }
  }
  for (const p of providers) {
    const v = providerView(await read("provider", [p.address]));
    const pairs: [string, bigint | string, bigint | string][] = [
      ["stake", v.stake, BigInt(p.stake)],
      ["locked", v.locked, BigInt(p.locked)],
      ["pendingUnstake", v.pendingUnstake, BigInt(p.pending_unstake)],
      ["unstakeReadyAt", v.unstakeReadyAt, seconds(p.unstake_ready_at)],
      ["signer", v.signer.toLowerCase(), p.signer],
    ];
    for (const [k, chain, index] of pairs) {
      if (chain !== index) out.push(`provider ${p.address} ${k}: chain ${chain}, index ${index}`);
    }
  }

  const accounts = await queryRows<{
    address: Address;
    withdrawable: string;
    credited: string;
    withdrawn: string;
  }>(db, sql`select * from chain_accounts`);
  const indexed = new Map(accounts.map((a) => [a.address, a]));
  const everyone = new Set([
    ...addresses.map((a) => a.toLowerCase() as Address),
    ...indexed.keys(),
  ]);
  for (const a of everyone) {
    const chain = await read<bigint>("withdrawable", [a]);
    const row = indexed.get(a);
    const index = BigInt(row?.withdrawable ?? 0);
    if (chain !== index) out.push(`account ${a} withdrawable: chain ${chain}, index ${index}`);
    if (row && BigInt(row.credited) - BigInt(row.withdrawn) !== index) {
      out.push(`account ${a}: credited - withdrawn is not withdrawable`);
    }
  }
  const [moves] = await queryRows<{ bad: number }>(
    db,
    sql`select count(*)::int as bad from chain_accounts a
        where a.withdrawable <> (select coalesce(sum(m.amount), 0) from chain_balance_moves m
                                 where m.account = a.address)`,
  );
  if (moves?.bad) out.push(`${moves.bad} accounts whose balance moves do not add up`);
  return out;
}

const jobFundedTopic = toEventSelector(
  computeMarketAbi.find((x) => x.type === "event" && x.name === "JobFunded") as never,
);
