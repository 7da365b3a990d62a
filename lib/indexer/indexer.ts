import "server-only";
import type { Address, Log, PublicClient } from "viem";
import type { Db } from "@/db/client";
import {
  type Cursor,
  insertEvents,
  leasedJobEventsBetween,
  loadAccounts,
  loadJobs,
  loadMarket,
  loadProviders,
  pruneConfirmed,
  readCursor,
  rememberBlocks,
  rememberedBlocks,
  resetIndex,
  rollbackAfter,
  writeCursor,
  writeFold,
} from "@/db/queries/chain/index-store";
import { transaction } from "@/db/retry";
import { stakeChanged } from "@/lib/services/placement/rematch";
import { applyJobEvents } from "./apply-jobs";
import { applySignerEvents } from "./apply-signers";
import { decodeMarketLog, type MarketEvent } from "./events";
import { addressesOf, type Entities, fold, jobIdsOf } from "./fold";
import {
  ChainMismatchError,
  type Header,
  header,
  InconsistentAnswerError,
  RpcFailure,
  rpcFault,
} from "./rpc-errors";

export type IndexerConfig = {
  chainId: number;
  contract: Address;
  /** The deployment block: indexing starts there. */
  startBlock: bigint;
  /** Blocks on top of a block before its events move the marketplace's jobs. */
  confirmations: number;
  /** The most blocks one request and one transaction cover. */
  chunkBlocks: number;
  /** A chain replaced under the same id (a fresh devnet) is indexed again from the start. */
  mayReset: boolean;
};

/** What a caller may watch of the indexer's work (tests and tracing). */
export type IndexerHooks = {
  /** Called inside each chunk's transaction, once it is open. */
  onTransaction?: (blocks: { from: bigint; to: bigint }) => void;
};

export type TickResult = {
  /** The cursor reached the head. */
  caughtUp: boolean;
  events: number;
  head: bigint;
  cursor: bigint;
  /** Blocks rolled back (a reorg), 0 when none. */
  rolledBack: number;
};

const earlier = (a: bigint, b: bigint) => (a < b ? a : b);
const later = (a: bigint, b: bigint) => (a > b ? a : b);

/**
 * Copies ComputeMarket's logs into Postgres, one chunk of blocks per transaction: the decoded
 * events, the state they add up to (chain_jobs, chain_providers, chain_accounts, balance moves)
 * and the cursor commit together, so a crash at any point loses nothing and applies nothing
 * twice. Blocks within `confirmations` of the head are indexed at once and remembered with
 * their hashes and undo entries; a block replaced there is rolled back and indexed again. Once a
 * block is deeper than that, its job events move the marketplace's jobs and leases.
 */
export class Indexer {
  private checked = false;
  private readonly contract: string;

  constructor(
    private readonly db: Db,
    private readonly client: PublicClient,
    readonly config: IndexerConfig,
    private readonly hooks: IndexerHooks = {},
  ) {
    this.contract = config.contract.toLowerCase();
  }

  private fetchLogs(from: bigint, to: bigint): Promise<Log[]> {
    return this.rpc(`eth_getLogs for blocks ${from}..${to}`, () =>
      this.client.getLogs({ address: this.config.contract, fromBlock: from, toBlock: to }),
    );
  }

  /** Runs one RPC call; a failure names the call and says in one line what went wrong. */
  private async rpc<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw new RpcFailure(`${what} failed: ${rpcFault(error)}`, { cause: error });
    }
  }

  private async block(number: bigint): Promise<Header> {
    return header(
      await this.rpc(`eth_getBlockByNumber(${number})`, () =>
        this.client.getBlock({ blockNumber: number }),
      ),
    );
  }

  /** Checks the chain against the configuration and the stored cursor (once per start). */
  async check(): Promise<void> {
    const chainId = await this.rpc("eth_chainId", () => this.client.getChainId());
    if (chainId !== this.config.chainId) {
      throw new ChainMismatchError(
        `the RPC endpoint serves chain id ${chainId}, but the app is configured for ${this.config.chainId} (NEXT_PUBLIC_CHAIN, NEXT_PUBLIC_RPC_URL)`,
      );
    }
    const code = await this.rpc("eth_getCode", () =>
      this.client.getCode({ address: this.config.contract }),
    );
    if (!code || code === "0x") {
      throw new ChainMismatchError(
        `no contract at ${this.config.contract} on chain ${chainId} (NEXT_PUBLIC_MARKET_ADDRESS)`,
      );
    }
    const genesis = await this.block(0n);
    const cursor = await readCursor(this.db, this.contract);
    if (cursor && cursor.chainId !== chainId) {
      throw new ChainMismatchError(
        `the index was built from chain ${cursor.chainId}, the RPC serves ${chainId}: use another database or clear chain_* tables`,
      );
    }
    if (cursor && cursor.genesisHash !== genesis.hash) {
      if (!this.config.mayReset) {
        throw new ChainMismatchError(
          `chain ${chainId} is not the chain the index was built from (block 0 is ${genesis.hash}, the index has ${cursor.genesisHash})`,
        );
      }
      console.warn(
        `indexer: the devnet was restarted as a new chain (block 0 is ${genesis.hash}); indexing it again from block ${this.config.startBlock}`,
      );
      await transaction(this.db, (tx) => resetIndex(tx));
      await stakeChanged(this.db, { params: true });
    }
    this.checked = true;
    this.genesisHash = genesis.hash;
  }

  private genesisHash = "";

  private async cursor(): Promise<Cursor> {
    const stored = await readCursor(this.db, this.contract);
    if (stored) return stored;
    const before = this.config.startBlock - 1n;
    const anchor = before >= 0n ? await this.block(before) : undefined;
    return {
      contract: this.contract,
      chainId: this.config.chainId,
      genesisHash: this.genesisHash,
      blockNumber: before,
      blockHash: anchor?.hash ?? "",
      confirmedNumber: before,
      updatedAt: new Date(),
    };
  }

  /** One step: a rollback when a remembered block was replaced, else the next chunk. */
  async tick(): Promise<TickResult> {
    if (!this.checked) await this.check();
    const head = await this.rpc("eth_blockNumber", () =>
      this.client.getBlockNumber({ cacheTime: 0 }),
    );
    const cursor = await this.cursor();
    // The cursor's block as the chain has it now: another hash (or none) is a reorg.
    const cursorBlock = () =>
      cursor.blockNumber >= 0n && cursor.blockNumber <= head
        ? this.block(cursor.blockNumber)
        : undefined;
    const replaced = (now: Header | undefined) =>
      cursor.blockNumber >= 0n && now?.hash !== cursor.blockHash;
    const from = cursor.blockNumber + 1n;
    const to =
      head < from + BigInt(this.config.chunkBlocks) - 1n
        ? head
        : from + BigInt(this.config.chunkBlocks) - 1n;
    if (to < from) {
      if (replaced(await cursorBlock())) return this.rollBack(cursor, head);
      // Nothing new; the confirmed cursor may still move as blocks pile up on top.
      const moved = await this.commit(cursor, head, [], [], cursor.blockNumber, cursor.blockHash);
      return { caughtUp: true, events: moved, head, cursor: cursor.blockNumber, rolledBack: 0 };
    }
    const unconfirmedFrom = head - BigInt(this.config.confirmations) + 1n;
    // Headers of the blocks inside the confirmation depth (to check and remember them), of the
    // chunk's last block (the cursor), and of blocks whose logs lack blockTimestamp.
    const headers = new Map<bigint, Header>();
    const fetchHeaders = (numbers: Iterable<bigint>) =>
      Promise.all([...numbers].map(async (n) => headers.set(n, await this.block(n))));
    const wanted = new Set<bigint>([to]);
    for (let n = from > unconfirmedFrom ? from : unconfirmedFrom; n <= to; n++) wanted.add(n);
    // Asked together, so the client sends them in one batch (one round trip to the node): the
    // logs are checked against the headers whichever the node read first. When the whole batch
    // fails (an HTTP error, no answer), the line names the logs.
    const [nowAsked, logsAsked, headersAsked] = await Promise.allSettled([
      cursorBlock(),
      this.fetchLogs(from, to),
      fetchHeaders(wanted),
    ]);
    for (const r of [logsAsked, nowAsked, headersAsked])
      if (r.status === "rejected") throw r.reason;
    const now = (nowAsked as PromiseFulfilledResult<Header | undefined>).value;
    const logs = (logsAsked as PromiseFulfilledResult<Log[]>).value;
    if (replaced(now)) return this.rollBack(cursor, head);
    const untimed = logs
      .filter((log) => (log as Log & { blockTimestamp?: unknown }).blockTimestamp == null)
      .map((log) => log.blockNumber)
      .filter((n): n is bigint => n !== null && !headers.has(n));
    if (untimed.length > 0) await fetchHeaders(new Set(untimed));
    const events = this.decode(logs, from, to, headers);
    this.checkLinks(cursor, headers, unconfirmedFrom, to);
    const last = headers.get(to) as Header;
    const remembered = [...headers.values()].filter((h) => h.number >= unconfirmedFrom);
    const applied = await this.commit(cursor, head, events, remembered, to, last.hash);
    return { caughtUp: to === head, events: applied, head, cursor: to, rolledBack: 0 };
  }

  private decode(
    logs: readonly Log[],
    from: bigint,
    to: bigint,
    headers: ReadonlyMap<bigint, Header>,
  ): MarketEvent[] {
    let previous: [bigint, number] = [from, -1];
    return logs.map((log) => {
      const n = log.blockNumber;
      const i = log.logIndex;
      if (n === null || i === null || n < from || n > to) {
        throw new InconsistentAnswerError(
          `eth_getLogs for blocks ${from}..${to} returned a log of block ${n}`,
        );
      }
      if (n < previous[0] || (n === previous[0] && i <= previous[1])) {
        throw new InconsistentAnswerError(
          `eth_getLogs for blocks ${from}..${to} returned logs out of order (block ${n} log ${i} after block ${previous[0]} log ${previous[1]})`,
        );
      }
      previous = [n, i];
      const known = headers.get(n);
      if (known && log.blockHash?.toLowerCase() !== known.hash) {
        throw new InconsistentAnswerError(`block ${n} changed while its logs were read`);
      }
      const stamp = (log as Log & { blockTimestamp?: bigint | string | null }).blockTimestamp;
      const time = stamp != null ? new Date(Number(BigInt(stamp)) * 1000) : known?.timestamp;
      if (!time) throw new InconsistentAnswerError(`no time for block ${n}`);
      return decodeMarketLog(log, time);
    });
  }

  /** The headers inside the depth must chain onto each other and onto the cursor. */
  private checkLinks(
    cursor: Cursor,
    headers: ReadonlyMap<bigint, Header>,
    unconfirmedFrom: bigint,
    to: bigint,
  ) {
    for (const h of headers.values()) {
      if (h.number < unconfirmedFrom || h.number > to) continue;
      const parent =
        h.number - 1n === cursor.blockNumber ? cursor.blockHash : headers.get(h.number - 1n)?.hash;
      if (parent !== undefined && parent !== "" && parent !== h.parentHash) {
        throw new InconsistentAnswerError(
          `block ${h.number} does not follow block ${h.number - 1n}`,
        );
      }
    }
  }

  /**
   * One transaction: the new events and what they add up to, the remembered blocks, the cursor,
   * and the confirmed job events applied to the marketplace. Returns the events stored.
   */
  private async commit(
    cursor: Cursor,
    head: bigint,
    events: readonly MarketEvent[],
    remembered: readonly Header[],
    to: bigint,
    toHash: string,
  ): Promise<number> {
    const confirmedTarget = head - BigInt(this.config.confirmations);
    const confirmTo = earlier(confirmedTarget, to);
    if (events.length === 0 && to === cursor.blockNumber && confirmTo <= cursor.confirmedNumber) {
      return 0;
    }
    const { stored, released, staked } = await transaction(this.db, async (tx) => {
      const staked = { providers: [] as string[], params: false };
      this.hooks.onTransaction?.({ from: cursor.blockNumber + 1n, to });
      const fresh = await insertEvents(tx, this.contract, events);
      if (fresh.length > 0) {
        const market = await loadMarket(tx, this.contract);
        const jobs = await loadJobs(tx, jobIdsOf(fresh));
        const { providers, accounts } = addressesOf(fresh, jobs, market);
        const entities: Entities = {
          market,
          jobs,
          providers: await loadProviders(tx, providers),
          accounts: await loadAccounts(tx, accounts),
        };
        const result = fold(entities, fresh, confirmedTarget + 1n);
        staked.providers = [...result.changed.providers];
        staked.params = result.changed.market;
        const pick = <T>(map: Map<string, T>, keys: Set<string>) =>
          [...keys].map((k) => map.get(k) as T);
        await writeFold(
          tx,
          this.contract,
          to,
          {
            market: result.changed.market ? entities.market : undefined,
            jobs: pick(entities.jobs, result.changed.jobs),
            providers: pick(entities.providers, result.changed.providers),
            accounts: pick(entities.accounts, result.changed.accounts),
          },
          result.moves,
          result.undo,
        );
      }
      await rememberBlocks(tx, this.contract, remembered);
      let released = new Set<string>();
      if (confirmTo > cursor.confirmedNumber) {
        const confirmed = await leasedJobEventsBetween(
          tx,
          this.contract,
          cursor.confirmedNumber,
          confirmTo,
        );
        released = await applyJobEvents(tx, confirmed);
        await applySignerEvents(tx, this.contract, cursor.confirmedNumber, confirmTo);
        await pruneConfirmed(tx, this.contract, confirmTo);
      }
      await writeCursor(tx, {
        contract: this.contract,
        chainId: this.config.chainId,
        genesisHash: cursor.genesisHash || this.genesisHash,
        blockNumber: to,
        blockHash: toHash,
        confirmedNumber: later(confirmTo, cursor.confirmedNumber),
      });
      return { stored: fresh.length, released, staked };
    });
    // After the commit: GPUs released by confirmed job events, and free stake that moved (staked,
    // unstaked, collateral locked or unlocked, slashed, or the market's minimum or collateral
    // share changed), are offered to the pending jobs of the markets concerned.
    await stakeChanged(this.db, { ...staked, markets: released });
    return stored;
  }

  /**
   * The cursor's block was replaced: finds the newest remembered block the chain still has,
   * rolls everything after it back, and moves the cursor there. The next ticks index the new
   * blocks. A reorg deeper than the remembered blocks cannot be undone row by row: the index is
   * rebuilt from the start block.
   */
  private async rollBack(cursor: Cursor, head: bigint): Promise<TickResult> {
    const blocks = await rememberedBlocks(this.db, this.contract);
    for (const b of blocks) {
      if (b.number > head) continue;
      const now = await this.block(b.number);
      if (now.hash !== b.hash) continue;
      const depth = Number(cursor.blockNumber - b.number);
      if (b.number < cursor.confirmedNumber) {
        console.error(
          `indexer: a reorg replaced block ${b.number + 1n} and later, deeper than the ${this.config.confirmations} confirmations whose jobs were already moved; the index is rolled back, the marketplace's job states are not`,
        );
      }
      await transaction(this.db, async (tx) => {
        await rollbackAfter(tx, this.contract, b.number);
        await writeCursor(tx, {
          contract: this.contract,
          chainId: cursor.chainId,
          genesisHash: cursor.genesisHash,
          blockNumber: b.number,
          blockHash: b.hash,
          confirmedNumber: earlier(cursor.confirmedNumber, b.number),
        });
      });
      console.warn(
        `indexer: reorg: block ${b.number + 1n} was replaced; rolled back ${depth} blocks`,
      );
      // Stake and parameters went back to what the kept blocks say: every market is checked.
      await stakeChanged(this.db, { params: true });
      return { caughtUp: false, events: 0, head, cursor: b.number, rolledBack: depth };
    }
    console.error(
      `indexer: block ${cursor.blockNumber} was replaced and no remembered block is left on the chain (a reorg deeper than ${this.config.confirmations} confirmations); indexing again from block ${this.config.startBlock}`,
    );
    await transaction(this.db, (tx) => resetIndex(tx));
    await stakeChanged(this.db, { params: true });
    return {
      caughtUp: false,
      events: 0,
      head,
      cursor: this.config.startBlock - 1n,
      rolledBack: Number(cursor.blockNumber - this.config.startBlock + 1n),
    };
  }
}
