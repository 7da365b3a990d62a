/**
 * What the chain itself says, for the chain reads' tests: every ComputeMarket log decoded with
 * its block's time (from eth_getLogs and eth_getBlockByNumber, never from the index), grouped
 * by job, and what each settlement moved. Test-only.
 */
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Devnet } from "@/lib/devnet";
import { type Clients, clientsFor } from "@/lib/devnet/test-helpers";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";

export type ChainLog = {
  name: string;
  args: Record<string, unknown>;
  txHash: string;
  blockNumber: bigint;
  logIndex: number;
  time: Date;
};

export type ChainJobFacts = {
  jobId: string;
  consumer: string;
  provider: string;
  logs: ChainLog[];
};

/** What one settling event moved (the contract's events.rs). */
export type Settlement = {
  log: ChainLog;
  providerPay: bigint;
  fee: bigint;
  /** Escrow back to the consumer, slash excluded. */
  refund: bigint;
  slash: bigint;
};

export type ChainFacts = {
  logs: ChainLog[];
  jobs: Map<string, ChainJobFacts>;
  settlements: Map<string, Settlement>;
};

const lower = (v: unknown) => String(v).toLowerCase();
const big = (v: unknown) => BigInt(v as bigint);

export function settlementOf(log: ChainLog): Settlement | undefined {
  const a = log.args;
  switch (log.name) {
    case "JobFinalized":
      return {
        log,
        providerPay: big(a.providerAmount),
        fee: big(a.fee),
        refund: big(a.consumerRefund),
        slash: 0n,
      };
    case "DisputeResolved":
      return {
        log,
        providerPay: big(a.providerAmount),
        fee: big(a.fee),
        refund: big(a.consumerAmount) - big(a.slashed),
        slash: big(a.slashed),
      };
    case "JobExpired":
      return {
        log,
        providerPay: 0n,
        fee: 0n,
        refund: big(a.consumerRefund),
        slash: big(a.slashed),
      };
    default:
      return undefined;
  }
}

/** Every log of the market from block 0 to the head, with block times, grouped by job. */
export async function chainFacts(devnet: Devnet): Promise<ChainFacts> {
  const client = createPublicClient({ transport: http(devnet.url, { retryCount: 2 }) });
  const raw = await client.getLogs({ address: devnet.contractAddress, fromBlock: 0n });
  const parsed = parseEventLogs({ abi: computeMarketAbi, logs: raw });
  const times = new Map<bigint, Date>();
  const logs: ChainLog[] = [];
  for (const l of parsed) {
    let time = times.get(l.blockNumber);
    if (!time) {
      const block = await client.getBlock({ blockNumber: l.blockNumber });
      time = new Date(Number(block.timestamp) * 1000);
      times.set(l.blockNumber, time);
    }
    logs.push({
      name: l.eventName,
      args: l.args as Record<string, unknown>,
      txHash: l.transactionHash.toLowerCase(),
      blockNumber: l.blockNumber,
      logIndex: l.logIndex,
      time,
    });
  }
  const jobs = new Map<string, ChainJobFacts>();
  const settlements = new Map<string, Settlement>();
  for (const log of logs) {
    if (!("jobId" in log.args)) continue;
    const id = lower(log.args.jobId);
    if (log.name === "JobFunded") {
      jobs.set(id, {
        jobId: id,
        consumer: lower(log.args.consumer),
        provider: lower(log.args.provider),
        logs: [],
      });
    }
    jobs.get(id)?.logs.push(log);
    const s = settlementOf(log);
    if (s) settlements.set(id, s);
  }
  return { logs, jobs, settlements };
}

/** Clients for any key (the dev accounts' helper, `clientsFor`, takes an account index). */
export function clientsOfKey(devnet: Devnet, key: Hex): Clients {
  const base = clientsFor(devnet, 0);
  const account = privateKeyToAccount(key);
  return {
    ...base,
    account,
    walletClient: createWalletClient({
      chain: base.chain,
      transport: http(devnet.url, { retryCount: 0 }),
      account,
    }),
  };
}

export const addressOf = (c: Clients) => c.account.address.toLowerCase() as Address;
export const secondsOf = (d: Date | null) =>
  d === null ? null : BigInt(Math.floor(d.getTime() / 1000));
