import "server-only";
import { hostname } from "node:os";
import {
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  encodeFunctionData,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  type TransactionReceipt,
  type WalletClient,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import type { Db } from "@/db/client";
import {
  type Claim,
  claimCall,
  type DueCall,
  dueCalls,
  giveUpAbandoned,
  type KeeperCallName,
  markAttemptFailed,
  markConfirmed,
  markSent,
  releaseLease,
  takeLease,
} from "@/db/queries/chain/keeper";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { JobStatus } from "@/lib/web3/market-views";
import { chainTime, statusOnChain } from "./chain-reads";
import { outcomeUnknown, reasonOf, revertOf } from "./revert";
import { reopenUndone } from "./undone";

/** The `work_leases` row the running keeper holds. */
export const KEEPER_LEASE = "keeper";

export type KeeperLog = { info(line: string): void; warn(line: string): void };

export type KeeperOptions = {
  db: Db;
  rpcUrl: string;
  chain: Chain;
  contract: Address;
  /** The funded account the calls are sent from. */
  privateKey: Hex;
  /** Names this keeper in `work_leases` (default: host, process id and a random part). */
  holder?: string;
  /** Attempts per call, the first included, before it is marked failed (default 5). */
  maxAttempts?: number;
  /** Pause after the first failed attempt, doubled after each further one (default 5 s). */
  retryBaseMs?: number;
  /** The longest pause between attempts (default 5 min). */
  retryMaxMs?: number;
  /** How soon a call whose job moved on chain ahead of the index is looked at again (30 s). */
  recheckMs?: number;
  /** How long one attempt holds its call before another keeper may take it up (2 min). */
  holdMs?: number;
  /** How long the keeper lease lasts without renewal (default 30 s). */
  leaseMs?: number;
  /** How long to wait for a receipt before leaving it to a later check (default 90 s). */
  receiptTimeoutMs?: number;
  /** The most calls one round takes up (default 50). */
  batch?: number;
  log?: KeeperLog;
};

/** What became of the calls one round took up. */
export type RoundResult = {
  /** This keeper held the lease (always true for `sendDue`). */
  leased: boolean;
  /** Calls the index showed due and no keeper held. */
  due: number;
  /** Mined successfully from this keeper's account. */
  sent: number;
  /** Not sent: the job was already settled on chain by someone else. */
  alreadyDone: number;
  /** Failed this time, to be tried again after a pause. */
  retrying: number;
  /** Failed for the last time, or abandoned: marked failed. */
  failed: number;
  /** Outcome not known yet (no receipt yet, or the index is behind the chain): looked at later. */
  waiting: number;
  /** Recorded as done, then undone by a reorganisation: reopened to be sent again. */
  reopened: number;
};

type Outcome = Exclude<keyof RoundResult, "leased" | "due"> | "lost";

const terminal = new Set<number>([JobStatus.finalized, JobStatus.resolved, JobStatus.expired]);
const statusNames = Object.fromEntries(Object.entries(JobStatus).map(([k, v]) => [v, k]));

const seconds = (ms: number) => `${Math.round(ms / 100) / 10} s`;
const clip = (s: string) => (s.length > 500 ? `${s.slice(0, 500)}…` : s);

/**
 * Sends ComputeMarket's permissionless calls once they are allowed: `finalize` after a result's
 * challenge window, `cancelExpired` for a job not started by its start deadline or without a
 * result by its deadline, `settleDispute` after a dispute's timeout. Which jobs are due comes
 * from the index (`chain_jobs`) and the chain's clock; each call is claimed in `keeper_calls`
 * before it is simulated, signed and sent, so no two keepers send the same call, and a call that
 * fails is retried with a growing pause up to `maxAttempts` times.
 */
export class Keeper {
  readonly account: PrivateKeyAccount;
  readonly holder: string;
  private readonly db: Db;
  private readonly client: PublicClient;
  private readonly wallet: WalletClient;
  private readonly contract: Address;
  private readonly chain: Chain;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly retryMaxMs: number;
  private readonly recheckMs: number;
  private readonly holdMs: number;
  private readonly leaseMs: number;
  private readonly receiptTimeoutMs: number;
  /** The most calls one round takes up. */
  readonly batch: number;
  private readonly log: KeeperLog;
  private leased = false;
  private sweptAt = 0;

  constructor(o: KeeperOptions) {
    this.db = o.db;
    this.contract = o.contract;
    this.chain = o.chain;
    this.account = privateKeyToAccount(o.privateKey);
    this.holder =
      o.holder ?? `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
    this.maxAttempts = o.maxAttempts ?? 5;
    this.retryBaseMs = o.retryBaseMs ?? 5_000;
    this.retryMaxMs = o.retryMaxMs ?? 300_000;
    this.recheckMs = o.recheckMs ?? 30_000;
    this.holdMs = o.holdMs ?? 120_000;
    this.leaseMs = o.leaseMs ?? 30_000;
    this.receiptTimeoutMs = o.receiptTimeoutMs ?? 90_000;
    this.batch = o.batch ?? 50;
    this.log = o.log ?? { info: console.info, warn: console.warn };
    // No retries in the transport: a failed request fails the attempt, which is retried with
    // backoff and recorded.
    const transport = http(o.rpcUrl, { retryCount: 0, timeout: 15_000 });
    this.client = createPublicClient({ chain: o.chain, transport, pollingInterval: 250 });
    this.wallet = createWalletClient({ chain: o.chain, transport, account: this.account });
  }

  /** The RPC endpoint serves the configured chain and has code at the contract's address. */
  async check(): Promise<string | null> {
    const chainId = await this.client.getChainId();
    if (chainId !== this.chain.id) {
      return `the RPC endpoint serves chain id ${chainId}, but the app is configured for ${this.chain.id}`;
    }
    const code = await this.client.getCode({ address: this.contract });
    if (!code || code === "0x") return `no contract at ${this.contract} on chain ${chainId}`;
    return null;
  }

  /** The keeper account's balance, in wei (what it has left for gas). */
  balance(): Promise<bigint> {
    return this.client.getBalance({ address: this.account.address });
  }

  /**
   * The chain's time in seconds: the time a transaction sent now would get, read with a call
   * (on the devnet the latest block's time stays put while no transaction comes, however much
   * time passes), and never before the latest block's. Never the machine's clock.
   */
  chainNow(): Promise<bigint> {
    return chainTime(this.client);
  }

  /** One round, only while this keeper holds the lease: the due calls, one after another. */
  async round(): Promise<RoundResult> {
    const renew = () => takeLease(this.db, KEEPER_LEASE, this.holder, this.leaseMs);
    if (!(await renew())) {
      if (this.leased) this.log.warn("keeper: another keeper holds the lease now; standing by");
      this.leased = false;
      return { ...emptyRound(), leased: false };
    }
    if (!this.leased) this.log.info(`keeper: holding the keeper lease as ${this.holder}`);
    this.leased = true;
    return this.sendDue(renew);
  }

  /** Gives the lease up, so another keeper may take over at once. */
  async stop(): Promise<void> {
    if (this.leased) await releaseLease(this.db, KEEPER_LEASE, this.holder);
    this.leased = false;
  }

  /**
   * The due calls, each claimed before it is sent. `renew` keeps the lease between calls and
   * ends the round when it was lost; without it (tests) only the claims keep keepers apart.
   */
  async sendDue(renew?: () => Promise<boolean>): Promise<RoundResult> {
    const result = emptyRound();
    const now = new Date(Number(await this.chainNow()) * 1000);
    // Rare (a keeper stopped mid-way through a last attempt; a reorganisation undid a confirmed
    // call): looked for once per hold time.
    if (Date.now() - this.sweptAt >= this.holdMs) {
      this.sweptAt = Date.now();
      for (const a of await giveUpAbandoned(this.db, this.maxAttempts)) {
        this.log.warn(
          `keeper: ${a.call} ${a.jobId} failed after ${this.maxAttempts} attempts: the last one never ended; giving up`,
        );
        result.failed++;
      }
      result.reopened = await reopenUndone({
        db: this.db,
        client: this.client,
        contract: this.contract,
        warn: (line) => this.log.warn(line),
        now,
        limit: this.batch,
        recheckMs: this.holdMs,
      });
    }
    const due = await dueCalls(this.db, now, this.batch);
    for (const call of due) {
      if (renew && !(await renew())) {
        this.leased = false;
        this.log.warn("keeper: lost the lease mid-round; standing by");
        break;
      }
      const claim = await claimCall(this.db, call, this.maxAttempts, this.holdMs);
      if (!claim) continue;
      result.due++;
      const outcome = await this.attempt(call, claim);
      if (outcome !== "lost") result[outcome]++;
    }
    return result;
  }

  private async attempt(d: DueCall, claim: Claim): Promise<Outcome> {
    const key = { jobId: d.jobId, call: d.call, attempt: claim.attempt };
    if (claim.status === "sent" && claim.txHash) return this.recheck(d, key, claim.txHash);
    const request = this.simulation(d);
    try {
      // Free: a call that would revert is not paid for.
      await this.client.simulateContract(request);
    } catch (error) {
      return this.refused(d, key, error);
    }
    let serialized: Hex;
    try {
      const prepared = await this.wallet.prepareTransactionRequest({
        account: this.account,
        chain: this.chain,
        to: this.contract,
        data: encodeFunctionData(request),
      });
      serialized = await this.wallet.signTransaction(
        prepared as Parameters<WalletClient["signTransaction"]>[0],
      );
    } catch (error) {
      return this.refused(d, key, error);
    }
    // The hash is on record before the transaction leaves: a keeper that stops after sending
    // leaves its receipt to be checked, never a second transaction.
    const hash = keccak256(serialized);
    if (!(await markSent(this.db, key, hash, this.holdMs))) return this.lost(d);
    try {
      await this.client.sendRawTransaction({ serializedTransaction: serialized });
    } catch (error) {
      if (outcomeUnknown(error)) {
        this.log.warn(
          `keeper: ${d.call} ${d.jobId}: no answer to tx ${hash} (${reasonOf(error)}); its receipt is checked later`,
        );
        return "waiting";
      }
      return this.failed(d, key, reasonOf(error), null);
    }
    let receipt: TransactionReceipt;
    try {
      receipt = await this.client.waitForTransactionReceipt({
        hash,
        timeout: this.receiptTimeoutMs,
      });
    } catch (error) {
      this.log.warn(
        `keeper: ${d.call} ${d.jobId}: tx ${hash} not mined yet (${reasonOf(error)}); its receipt is checked later`,
      );
      return "waiting";
    }
    return this.mined(d, key, receipt);
  }

  /** A transaction recorded as sent by a keeper that stopped before its receipt came. */
  private async recheck(d: DueCall, key: CallKey, hash: Hex): Promise<Outcome> {
    const receipt = await this.client.getTransactionReceipt({ hash }).catch(() => null);
    if (receipt) return this.mined(d, key, receipt);
    const pending = await this.client.getTransaction({ hash }).catch(() => null);
    if (!pending) return this.failed(d, key, `tx ${hash} was never mined`, null);
    if (key.attempt >= this.maxAttempts) {
      return this.failed(d, key, `tx ${hash} still not mined`, hash);
    }
    await markSent(this.db, key, hash, this.holdMs);
    this.log.warn(`keeper: ${d.call} ${d.jobId}: tx ${hash} still not mined; checked again later`);
    return "waiting";
  }

  private async mined(d: DueCall, key: CallKey, receipt: TransactionReceipt): Promise<Outcome> {
    const where = `tx ${receipt.transactionHash} (block ${receipt.blockNumber})`;
    if (receipt.status === "success") {
      await markConfirmed(this.db, key, receipt.transactionHash, null, this.holdMs);
      this.log.info(`keeper: ${d.call} ${d.jobId} sent in ${where}`);
      return "sent";
    }
    // Mined and reverted: someone else's transaction came first, or the contract refused it.
    const status = await this.statusOnChain(d.jobId);
    if (status !== null && terminal.has(status)) {
      return this.doneElsewhere(d, key, status, `; our ${where} reverted`);
    }
    const why = await this.client.simulateContract(this.simulation(d)).then(
      () => null,
      (error: unknown) => revertOf(error)?.text ?? null,
    );
    return this.failed(
      d,
      key,
      `reverted in ${where}${why ? `: ${why}` : ""}`,
      receipt.transactionHash,
    );
  }

  private simulation(d: DueCall) {
    return {
      address: this.contract,
      abi: computeMarketAbi,
      functionName: d.call,
      args: [d.jobId],
      account: this.account,
    } as const;
  }

  /**
   * The simulation (or gas estimate) failed. A revert because the job moved on chain is not an
   * error: settled by someone else, it is done; in another open status, the index is behind and
   * the call is looked at again later. Anything else counts as a failed attempt.
   */
  private async refused(d: DueCall, key: CallKey, error: unknown): Promise<Outcome> {
    const revert = revertOf(error);
    if (!revert) return this.failed(d, key, reasonOf(error), null);
    const status = await this.statusOnChain(d.jobId);
    if (status === null || status === JobStatus[d.status]) {
      return this.failed(d, key, revert.text, null);
    }
    if (status === JobStatus.none) {
      return this.failed(d, key, `${revert.text}: the job is not on this chain`, null);
    }
    if (terminal.has(status)) return this.doneElsewhere(d, key, status, "");
    const note = `the job is ${statusNames[status]} on chain, still ${d.status} in the index`;
    await markAttemptFailed(this.db, key, {
      error: note,
      txHash: null,
      retryMs: this.recheckMs,
      giveUp: false,
      counted: false,
    });
    this.log.info(`keeper: ${d.call} ${d.jobId} not sent: ${note}; looked at again later`);
    return "waiting";
  }

  private async doneElsewhere(
    d: DueCall,
    key: CallKey,
    status: number,
    extra: string,
  ): Promise<Outcome> {
    const note = `already ${statusNames[status]} on chain${extra}`;
    await markConfirmed(this.db, key, null, note, this.holdMs);
    this.log.info(`keeper: ${d.call} ${d.jobId} not sent: the job is ${note}`);
    return "alreadyDone";
  }

  private async failed(
    d: DueCall,
    key: CallKey,
    reason: string,
    txHash: Hex | null,
  ): Promise<Outcome> {
    const giveUp = key.attempt >= this.maxAttempts;
    const retryMs = Math.min(this.retryMaxMs, this.retryBaseMs * 2 ** (key.attempt - 1));
    await markAttemptFailed(this.db, key, {
      error: clip(reason),
      txHash,
      retryMs,
      giveUp,
      counted: true,
    });
    this.log.warn(
      giveUp
        ? `keeper: ${d.call} ${d.jobId} failed after ${key.attempt} attempts: ${reason}; giving up`
        : `keeper: ${d.call} ${d.jobId} failed (attempt ${key.attempt} of ${this.maxAttempts}): ${reason}; retrying in ${seconds(retryMs)}`,
    );
    return giveUp ? "failed" : "retrying";
  }

  private lost(d: DueCall): Outcome {
    this.log.warn(`keeper: ${d.call} ${d.jobId}: another keeper took the call over; not sent`);
    return "lost";
  }

  private statusOnChain(jobId: Hex): Promise<number | null> {
    return statusOnChain(this.client, this.contract, jobId);
  }
}

type CallKey = { jobId: Hex; call: KeeperCallName; attempt: number };

function emptyRound(): RoundResult {
  return {
    leased: true,
    due: 0,
    sent: 0,
    alreadyDone: 0,
    retrying: 0,
    failed: 0,
    waiting: 0,
    reopened: 0,
  };
}
