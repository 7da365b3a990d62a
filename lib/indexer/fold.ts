/**
 * The state ComputeMarket's events add up to, computed as the contract computes it (pure: no
 * database, no RPC). The indexer loads the rows a chunk of events touches, folds the events into
 * them here, and writes them back in the same transaction as its cursor.
 */

import type { Hex } from "viem";
import type {
  BalanceMoveKind,
  chainAccounts,
  chainBalanceMoves,
  chainJobs,
  chainProviders,
} from "@/db/schema/chain";
import { consumerOfJobId } from "@/lib/web3/job-id";
import type { MarketParams } from "@/lib/web3/market-views";
import type { MarketEvent } from "./events";

export type JobState = typeof chainJobs.$inferSelect;
export type ProviderState = typeof chainProviders.$inferSelect;
export type AccountState = typeof chainAccounts.$inferSelect;
export type BalanceMove = typeof chainBalanceMoves.$inferSelect;

/**
 * The market's parameters and roles, from ParamsUpdated and the role events: the contract's
 * `params()` view (lib/web3/market-views.ts), with addresses as the index stores them.
 */
export type MarketState = Omit<MarketParams, "owner" | "arbiter" | "feeRecipient"> & {
  owner: string;
  arbiter: string;
  feeRecipient: string;
  paused: boolean;
};

export const ZERO_ADDRESS = "0x0000000000000000000000000000000000000000";

export function emptyMarket(): MarketState {
  return {
    owner: ZERO_ADDRESS,
    arbiter: ZERO_ADDRESS,
    feeRecipient: ZERO_ADDRESS,
    paused: false,
    feeBps: 0,
    minStake: 0n,
    unstakeCooldown: 0n,
    challengeWindow: 0n,
    startGraceSeconds: 0n,
    maxJobSeconds: 0n,
    disputeTimeout: 0n,
    collateralBps: 0,
    noShowSlashBps: 0,
    disputeDefaultPayBps: 0,
  };
}

/** The rows a chunk of events reads and writes, keyed by job id or address. */
export type Entities = {
  market: MarketState;
  jobs: Map<string, JobState>;
  providers: Map<string, ProviderState>;
  accounts: Map<string, AccountState>;
};

export type TableName = "chain_market" | "chain_jobs" | "chain_providers" | "chain_accounts";

/** A row as it was before a block inside the confirmation depth changed it (null: absent). */
export type UndoEntry = {
  blockNumber: bigint;
  tableName: TableName;
  key: string;
  before: MarketState | JobState | ProviderState | AccountState | null;
};

/** What a chunk of events changed, for the writer. */
export type FoldResult = {
  moves: BalanceMove[];
  undo: UndoEntry[];
  changed: { market: boolean; jobs: Set<string>; providers: Set<string>; accounts: Set<string> };
};

/** An event the fold cannot apply: the index does not hold what it refers to. */
export class FoldError extends Error {
  override name = "FoldError";
}

const at = (seconds: bigint) => new Date(Number(seconds) * 1000);
const secondsOf = (d: Date) => BigInt(Math.floor(d.getTime() / 1000));

/** The consumer a job id belongs to (its first 20 bytes), lowercase. */
const consumerOf = (jobId: string) => consumerOfJobId(jobId as Hex).toLowerCase();

/**
 * The jobs and accounts a chunk needs loaded before it is folded: every job it names, and
 * (known only once those jobs are loaded) the accounts a settlement credits.
 */
export function jobIdsOf(events: readonly MarketEvent[]): Set<string> {
  const ids = new Set<string>();
  for (const e of events) if (typeof e.args.jobId === "string") ids.add(e.args.jobId);
  return ids;
}

export function addressesOf(
  events: readonly MarketEvent[],
  jobs: ReadonlyMap<string, Pick<JobState, "provider" | "consumer">>,
  market: MarketState,
): { providers: Set<string>; accounts: Set<string> } {
  const providers = new Set<string>();
  const accounts = new Set<string>([market.feeRecipient]);
  const fundedHere = new Map<string, string>();
  for (const e of events) {
    const a = e.args;
    if (typeof a.provider === "string") providers.add(a.provider);
    if (typeof a.account === "string" && e.name === "Withdrawn") accounts.add(a.account);
    if (typeof a.feeRecipient === "string") accounts.add(a.feeRecipient);
    if (e.name === "JobFunded") fundedHere.set(String(a.jobId), String(a.provider));
    if (typeof a.jobId === "string") {
      const provider = jobs.get(a.jobId)?.provider ?? fundedHere.get(a.jobId);
      if (provider) {
        providers.add(provider);
        accounts.add(provider);
      }
      accounts.add(consumerOf(a.jobId));
    }
  }
  return { providers, accounts };
}

/**
 * Folds events (in chain order) into the loaded rows. Changes made in blocks at or after
 * `undoFrom` record the row as it was before the block, so a reorg can restore it.
 */
export function fold(
  entities: Entities,
  events: readonly MarketEvent[],
  undoFrom: bigint,
): FoldResult {
  const result: FoldResult = {
    moves: [],
    undo: [],
    changed: { market: false, jobs: new Set(), providers: new Set(), accounts: new Set() },
  };
  const recorded = new Set<string>();

  function remember(e: MarketEvent, tableName: TableName, key: string, before: object | null) {
    if (e.blockNumber < undoFrom) return;
    const id = `${e.blockNumber}|${tableName}|${key}`;
    if (recorded.has(id)) return;
    recorded.add(id);
    result.undo.push({
      blockNumber: e.blockNumber,
      tableName,
      key,
      before: before && (structuredClone(before) as UndoEntry["before"]),
    });
  }

  function market(e: MarketEvent): MarketState {
    remember(e, "chain_market", "market", entities.market);
    result.changed.market = true;
    return entities.market;
  }

  function job(e: MarketEvent, jobId: string): JobState {
    const row = entities.jobs.get(jobId);
    if (!row) {
      throw new FoldError(
        `${e.name} at block ${e.blockNumber} names job ${jobId}, which the index never saw funded (is the start block before the contract's deployment?)`,
      );
    }
    remember(e, "chain_jobs", jobId, row);
    result.changed.jobs.add(jobId);
    row.updatedBlock = e.blockNumber;
    return row;
  }

  function provider(e: MarketEvent, address: string): ProviderState {
    let row = entities.providers.get(address);
    remember(e, "chain_providers", address, row ?? null);
    if (!row) {
      row = {
        address,
        stake: 0n,
        locked: 0n,
        pendingUnstake: 0n,
        unstakeReadyAt: null,
        signer: ZERO_ADDRESS,
        slashedTotal: 0n,
        updatedBlock: e.blockNumber,
      };
      entities.providers.set(address, row);
    }
    result.changed.providers.add(address);
    row.updatedBlock = e.blockNumber;
    return row;
  }

  function account(e: MarketEvent, address: string): AccountState {
    let row = entities.accounts.get(address);
    remember(e, "chain_accounts", address, row ?? null);
    if (!row) {
      row = { address, withdrawable: 0n, credited: 0n, withdrawn: 0n, updatedBlock: e.blockNumber };
      entities.accounts.set(address, row);
    }
    result.changed.accounts.add(address);
    row.updatedBlock = e.blockNumber;
    return row;
  }

  function move(e: MarketEvent, address: string, kind: BalanceMoveKind, amount: bigint) {
    if (amount === 0n) return;
    const row = account(e, address);
    if (kind === "withdrawn") {
      row.withdrawable -= amount;
      row.withdrawn += amount;
    } else {
      row.withdrawable += amount;
      row.credited += amount;
    }
    result.moves.push({
      blockHash: e.blockHash,
      logIndex: e.logIndex,
      account: address,
      kind,
      amount: kind === "withdrawn" ? -amount : amount,
      jobId: typeof e.args.jobId === "string" ? e.args.jobId : null,
      blockNumber: e.blockNumber,
      blockTime: e.blockTime,
      txHash: e.txHash,
    });
  }

  /** A job leaves its open state: the collateral is unlocked and `slashed` leaves the stake. */
  function settle(e: MarketEvent, j: JobState, slashed: bigint) {
    const p = provider(e, j.provider);
    p.locked -= j.collateral;
    p.stake -= slashed;
    p.slashedTotal += slashed;
    j.settledAt = e.blockTime;
  }

  for (const e of events) {
    const a = e.args;
    const big = (name: string) => BigInt(a[name] as string);
    const str = (name: string) => String(a[name]);
    switch (e.name) {
      case "ParamsUpdated": {
        const m = market(e);
        m.feeBps = Number(a.feeBps);
        m.minStake = big("minStake");
        m.unstakeCooldown = big("unstakeCooldown");
        m.challengeWindow = big("challengeWindow");
        m.startGraceSeconds = big("startGraceSeconds");
        m.maxJobSeconds = big("maxJobSeconds");
        m.disputeTimeout = big("disputeTimeout");
        m.collateralBps = Number(a.collateralBps);
        m.noShowSlashBps = Number(a.noShowSlashBps);
        m.disputeDefaultPayBps = Number(a.disputeDefaultPayBps);
        break;
      }
      case "ArbiterUpdated":
        market(e).arbiter = str("arbiter");
        break;
      case "FeeRecipientUpdated":
        market(e).feeRecipient = str("feeRecipient");
        break;
      case "OwnershipTransferred":
        market(e).owner = str("newOwner");
        break;
      case "Paused":
        market(e).paused = true;
        break;
      case "Unpaused":
        market(e).paused = false;
        break;
      case "Staked":
        provider(e, str("provider")).stake = big("totalStake");
        break;
      case "UnstakeRequested": {
        const p = provider(e, str("provider"));
        p.pendingUnstake = big("pendingUnstake");
        p.unstakeReadyAt = at(secondsOf(e.blockTime) + entities.market.unstakeCooldown);
        break;
      }
      case "StakeWithdrawn": {
        const p = provider(e, str("provider"));
        p.stake -= big("amount");
        p.pendingUnstake = 0n;
        p.unstakeReadyAt = null;
        break;
      }
      case "SignerSet":
        provider(e, str("provider")).signer = str("signer");
        break;
      case "JobFunded": {
        const jobId = str("jobId");
        const m = entities.market;
        const fundedAt = secondsOf(e.blockTime);
        const startDeadline = fundedAt + m.startGraceSeconds;
        const collateral = big("collateral");
        remember(e, "chain_jobs", jobId, entities.jobs.get(jobId) ?? null);
        entities.jobs.set(jobId, {
          jobId,
          consumer: str("consumer"),
          provider: str("provider"),
          status: "funded",
          ratePerSecond: big("ratePerSecond"),
          maxSeconds: big("maxSeconds"),
          escrow: big("escrow"),
          collateral,
          feeBps: m.feeBps,
          noShowSlashBps: m.noShowSlashBps,
          disputeDefaultPayBps: m.disputeDefaultPayBps,
          fundedAt: e.blockTime,
          startDeadline: at(startDeadline),
          deadline: at(startDeadline + big("maxSeconds")),
          challengeWindowSeconds: Number(m.challengeWindow),
          disputeTimeoutSeconds: Number(m.disputeTimeout),
          startedAt: null,
          submittedAt: null,
          usedSeconds: null,
          resultHash: null,
          challengeEndsAt: null,
          disputedAt: null,
          disputeEndsAt: null,
          settledAt: null,
          providerAmount: null,
          fee: null,
          consumerAmount: null,
          slashed: null,
          providerPayBps: null,
          slashBps: null,
          timedOut: null,
          updatedBlock: e.blockNumber,
        });
        result.changed.jobs.add(jobId);
        provider(e, str("provider")).locked += collateral;
        break;
      }
      case "JobStarted": {
        const j = job(e, str("jobId"));
        j.status = "running";
        j.startedAt = e.blockTime;
        break;
      }
      case "ResultSubmitted": {
        const j = job(e, str("jobId"));
        j.status = "submitted";
        j.submittedAt = e.blockTime;
        j.usedSeconds = big("usedSeconds");
        j.resultHash = str("resultHash");
        j.challengeEndsAt = at(secondsOf(e.blockTime) + BigInt(j.challengeWindowSeconds));
        break;
      }
      case "JobDisputed": {
        const j = job(e, str("jobId"));
        j.status = "disputed";
        j.disputedAt = e.blockTime;
        j.disputeEndsAt = at(secondsOf(e.blockTime) + BigInt(j.disputeTimeoutSeconds));
        break;
      }
      case "JobFinalized": {
        const j = job(e, str("jobId"));
        j.status = "finalized";
        j.providerAmount = big("providerAmount");
        j.fee = big("fee");
        j.consumerAmount = big("consumerRefund");
        j.slashed = 0n;
        settle(e, j, 0n);
        move(e, j.provider, "pay", j.providerAmount);
        move(e, entities.market.feeRecipient, "fee", j.fee);
        move(e, j.consumer, "refund", j.consumerAmount);
        break;
      }
      case "DisputeResolved": {
        const j = job(e, str("jobId"));
        j.status = "resolved";
        j.providerAmount = big("providerAmount");
        j.fee = big("fee");
        j.consumerAmount = big("consumerAmount");
        j.slashed = big("slashed");
        j.providerPayBps = Number(a.providerPayBps);
        j.slashBps = Number(a.slashBps);
        j.timedOut = Boolean(a.timedOut);
        settle(e, j, j.slashed);
        move(e, j.provider, "pay", j.providerAmount);
        move(e, entities.market.feeRecipient, "fee", j.fee);
        move(e, j.consumer, "refund", j.consumerAmount - j.slashed);
        move(e, j.consumer, "slash", j.slashed);
        break;
      }
      case "JobExpired": {
        const j = job(e, str("jobId"));
        j.status = "expired";
        j.consumerAmount = big("consumerRefund") + big("slashed");
        j.slashed = big("slashed");
        j.providerAmount = 0n;
        j.fee = 0n;
        settle(e, j, j.slashed);
        move(e, j.consumer, "refund", big("consumerRefund"));
        move(e, j.consumer, "slash", j.slashed);
        break;
      }
      case "Withdrawn":
        move(e, str("account"), "withdrawn", big("amount"));
        break;
      default:
        throw new FoldError(`unknown event ${e.name} at block ${e.blockNumber}`);
    }
  }
  return result;
}
