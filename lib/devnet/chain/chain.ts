import { type Block, createBlock } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { createEVM, type EVM } from "@ethereumjs/evm";
import type { TypedTransaction } from "@ethereumjs/tx";
import { Account, Address, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { createVM, runTx, type VM } from "@ethereumjs/vm";
import { keccak256 } from "viem";
import { bindStylus, type StylusBinding } from "../host/attach";
import type { StylusProgram } from "../host/program";
import {
  type BlockFields,
  type BlockRef,
  type CallOptions,
  type CallRequest,
  type CallResult,
  callOrThrow,
  estimateGas,
  executeCall,
} from "./calls";
import { createDevnetCommon, createSharedCommon } from "./common";
import { badParams, rejected } from "./errors";
import { latestReader, StateHistory, type StateReader } from "./history";
import {
  type BlockRecord,
  type Hex,
  receiptFromResult,
  sealBlock,
  type TxLocation,
} from "./records";
import { SenderRecovery } from "./sender-recovery";
import { DevnetState, type Prior, type StateChanges } from "./state";
import { validateTx } from "./validate";

export type ChainOptions = {
  chainId: number;
  blockGasLimit: bigint;
  baseFee: bigint;
  coinbase: Hex;
  programs: Map<string, { address: Address; program: StylusProgram }>;
  state?: DevnetState;
  /** Blocks restored from a data dir; a fresh genesis block otherwise. */
  history?: BlockRecord[];
  /** What recent blocks replaced in the state, restored from a data dir (see `StateHistory`). */
  stateHistory?: SavedStateHistory;
};

export type SavedStateHistory = { unsealed: StateChanges; blocks: [number, StateChanges][] };

export type { BlockRef, CallOptions, CallRequest } from "./calls";
export { createDevnetCommon, createSharedCommon } from "./common";

const NONCE_GAP_WAIT_MS = 1_000;

type Snapshot = {
  depth: number;
  height: number;
  timeOffset: bigint;
  nextTimestamp?: bigint;
  /** The state's unsealed span when the snapshot was taken. */
  unsealed: ReadonlyMap<string, Prior>;
};

/**
 * The chain: one EVM over the in-memory state, a list of sealed blocks, automining (each accepted
 * transaction is mined at once in its own block), and the time controls tests need. Every
 * execution goes through one queue, because eth_call shares the state (inside a checkpoint).
 */
export class Chain {
  readonly blocks: BlockRecord[] = [];
  readonly txIndex = new Map<Hex, TxLocation>();
  /** What recent blocks replaced in the state: reads and calls at past blocks. */
  readonly history = new StateHistory();
  private readonly numberByHash = new Map<Hex, number>();
  timeOffset = 0n;
  nextTimestamp: bigint | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private snapshots: Snapshot[] = [];
  private readonly listeners: ((record: BlockRecord) => void)[] = [];
  private waiters: (() => void)[] = [];
  private readonly recovery = new SenderRecovery();

  private constructor(
    readonly opts: ChainOptions,
    readonly common: Common,
    /** Shared Common for transactions and headers (see createSharedCommon). */
    readonly txCommon: Common,
    readonly state: DevnetState,
    readonly vm: VM,
    readonly evm: EVM,
    readonly stylus: StylusBinding,
  ) {}

  static async create(opts: ChainOptions): Promise<Chain> {
    const common = createDevnetCommon(opts.chainId);
    const state = opts.state ?? new DevnetState();
    const stylus = bindStylus(state, opts.programs, common);
    const blocks = new Map<bigint, Block>();
    const blockchain = {
      getBlock: async (n: number) => {
        const b = blocks.get(BigInt(n));
        if (b === undefined) throw new Error(`block ${n} not found`);
        return b;
      },
      putBlock: async () => {},
      shallowCopy: () => blockchain,
    };
    const evm = await createEVM({
      common,
      stateManager: state,
      blockchain,
      customPrecompiles: stylus.precompiles,
    });
    stylus.attach(evm);
    const vm = await createVM({ common, stateManager: state, blockchain, evm });
    const chain = new Chain(opts, common, createSharedCommon(opts.chainId), state, vm, evm, stylus);
    chain.onBlock((r) => blocks.set(r.block.header.number, r.block));
    const history = opts.history ?? [];
    if (history.length === 0) {
      const genesis = createBlock(
        {
          header: {
            number: 0n,
            gasLimit: opts.blockGasLimit,
            baseFeePerGas: opts.baseFee,
            timestamp: BigInt(Math.floor(Date.now() / 1000)),
            stateRoot: keccak256(new TextEncoder().encode("stylus-devnet genesis"), "bytes"),
          },
          withdrawals: [],
        },
        { common: chain.txCommon, skipConsensusFormatValidation: true },
      );
      history.push({ block: genesis, hash: bytesToHex(genesis.hash()), receipts: [] });
    }
    for (const record of history) chain.addBlock(record);
    chain.state.stateRoot = chain.head().block.header.stateRoot;
    if (opts.stateHistory !== undefined) {
      for (const [n, changes] of opts.stateHistory.blocks) chain.history.record(n, changes);
      chain.state.restoreUnsealedChanges(opts.stateHistory.unsealed);
    }
    return chain;
  }

  addBlock(record: BlockRecord): void {
    this.numberByHash.set(record.hash, this.blocks.length);
    this.blocks.push(record);
    record.block.transactions.forEach((tx, index) => {
      this.txIndex.set(bytesToHex(tx.hash()), { blockNumber: this.blocks.length - 1, index });
    });
    for (const listener of this.listeners) listener(record);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Run `listener` after each block is added (block hashes for BLOCKHASH, persistence). */
  onBlock(listener: (record: BlockRecord) => void): void {
    this.listeners.push(listener);
  }

  get chainId(): bigint {
    return BigInt(this.opts.chainId);
  }

  head(): BlockRecord {
    const h = this.blocks[this.blocks.length - 1];
    if (h === undefined) throw new Error("chain has no blocks");
    return h;
  }

  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }

  pendingTimestamp(): bigint {
    const wall = BigInt(Math.floor(Date.now() / 1000)) + this.timeOffset;
    const parent = this.head().block.header.timestamp;
    const ts = this.nextTimestamp ?? (wall > parent ? wall : parent);
    return ts;
  }

  /** The block a transaction executes in, before it is sealed. */
  pendingBlock(timestamp: bigint): Block {
    return this.contextBlock({ ...this.blockFields(undefined), timestamp });
  }

  /**
   * The header fields of the context a call runs in: for the latest state, the next block's (as
   * a transaction sent now would run); for block `n`, that block's own (as geth runs a call at a
   * past block).
   */
  blockFields(n: number | undefined): BlockFields {
    if (n === undefined) {
      return {
        number: this.head().block.header.number + 1n,
        timestamp: this.pendingTimestamp(),
        gasLimit: this.opts.blockGasLimit,
        baseFee: this.opts.baseFee,
        coinbase: this.opts.coinbase,
        prevRandao: new Uint8Array(32),
        blobGasPrice: 1n,
      };
    }
    const h = (this.blocks[n] as BlockRecord).block.header;
    return {
      number: h.number,
      timestamp: h.timestamp,
      gasLimit: h.gasLimit,
      baseFee: h.baseFeePerGas ?? this.opts.baseFee,
      coinbase: h.coinbase.toString() as Hex,
      prevRandao: h.mixHash,
      blobGasPrice: 1n,
    };
  }

  /**
   * A block to execute in. Only the header fields execution reads are needed, so this skips
   * building (and hashing) a full ethereumjs header.
   */
  contextBlock(f: BlockFields): Block {
    const header = {
      number: f.number,
      timestamp: f.timestamp,
      gasLimit: f.gasLimit,
      gasUsed: 0n,
      baseFeePerGas: f.baseFee,
      coinbase: new Address(hexToBytes(f.coinbase)),
      difficulty: 0n,
      prevRandao: f.prevRandao,
      getBlobGasPrice: () => f.blobGasPrice,
    };
    return { header, common: this.txCommon, hash: () => new Uint8Array(32) } as unknown as Block;
  }

  /** The number of the block with this hash, if the chain has it. */
  blockNumberOf(hash: Hex): number | undefined {
    return this.numberByHash.get(hash.toLowerCase() as Hex);
  }

  /**
   * The block whose state a read at `ref` sees, or undefined for the latest state (the head's
   * number and hash mean the latest state too). Refuses what geth refuses, with its messages: a
   * number past the head ("header not found"), an unknown hash ("header for hash not found"), a
   * block older than the kept history ("historical state <root> is not available"). Call it
   * inside the queue, so the head cannot move between the answer and the read.
   */
  stateBlock(ref: BlockRef | undefined): number | undefined {
    if (ref === undefined || "tag" in ref) return undefined;
    const head = this.blocks.length - 1;
    let n: number;
    if ("hash" in ref) {
      const found = this.blockNumberOf(ref.hash);
      if (found === undefined) throw rejected("header for hash not found");
      n = found;
    } else {
      if (ref.number > BigInt(head)) throw rejected("header not found");
      n = Number(ref.number);
    }
    if (n === head) return undefined;
    if (!this.history.covers(n, head)) {
      const root = bytesToHex((this.blocks[n] as BlockRecord).block.header.stateRoot);
      throw rejected(`historical state ${root.slice(2)} is not available`);
    }
    return n;
  }

  /** Read the state at `ref` (see `stateBlock`) in the queue, so no execution is half done. */
  readState<T>(ref: BlockRef | undefined, read: (state: StateReader) => T): Promise<T> {
    return this.exclusive(async () => {
      const n = this.stateBlock(ref);
      const head = this.blocks.length - 1;
      return read(
        n === undefined ? latestReader(this.state) : this.history.readerAt(this.state, n, head),
      );
    });
  }

  /** Why the code at `address` cannot be replaced by a state override, if it cannot. */
  reservedCode(address: string): string | undefined {
    if (this.opts.programs.has(address)) {
      return "the devnet's Stylus host runs its program at this address";
    }
    if (this.evm.precompiles.has(address.slice(2))) return "it is a precompile";
    return undefined;
  }

  /**
   * Make the writes since start-up part of the genesis block: reads at block 0 see them (the dev
   * accounts' balances, the deployed program).
   */
  commitGenesisState(): void {
    if (this.blocks.length !== 1) throw new Error("the genesis state is sealed already");
    this.state.takeChanges();
  }

  /** Resolves at the next sealed block, or after `ms`. */
  private nextBlock(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.waiters.push(done);
    });
  }

  /**
   * Validate, execute and mine one transaction in a new block; returns its hash. A transaction
   * whose nonce is ahead of the sender's waits briefly for the missing ones (a client sending
   * several at once may have them arrive out of order), then is refused as "nonce too high".
   */
  async sendTransaction(tx: TypedTransaction): Promise<Hex> {
    if (!tx.isSigned()) throw rejected("transaction is not signed");
    try {
      await this.recovery.recover(tx);
    } catch {
      throw rejected("invalid sender: bad signature");
    }
    const from = tx.getSenderAddress().toString() as Hex;
    const deadline = Date.now() + NONCE_GAP_WAIT_MS;
    while (tx.nonce > this.account(from).nonce && Date.now() < deadline) {
      await this.nextBlock(deadline - Date.now());
    }
    return this.exclusive(async () => {
      const hash = bytesToHex(tx.hash());
      if (this.txIndex.has(hash)) throw rejected("already known");
      validateTx(tx, from, this.state.getAccountSync(from), {
        chainId: this.chainId,
        baseFee: this.opts.baseFee,
        blockGasLimit: this.opts.blockGasLimit,
      });
      const timestamp = this.pendingTimestamp();
      const block = this.pendingBlock(timestamp);
      let result: Awaited<ReturnType<typeof runTx>>;
      try {
        result = await runTx(this.vm, { tx, block, skipHardForkValidation: true });
      } catch (e) {
        throw rejected(e instanceof Error ? e.message : String(e));
      }
      const receipt = receiptFromResult(
        { tx, result, from },
        0,
        result.totalGasSpent,
        0,
        this.opts.baseFee,
      );
      await this.seal(timestamp, [tx], [receipt]);
      return hash;
    });
  }

  /** Mine an empty block (evm_mine / anvil_mine). */
  mine(timestamp?: bigint): Promise<BlockRecord> {
    return this.exclusive(async () => {
      if (timestamp !== undefined) this.nextTimestamp = timestamp;
      return this.seal(this.pendingTimestamp(), [], []);
    });
  }

  private async seal(
    timestamp: bigint,
    txs: TypedTransaction[],
    receipts: BlockRecord["receipts"],
  ): Promise<BlockRecord> {
    const record = await sealBlock({
      common: this.txCommon,
      parent: this.head().block,
      timestamp,
      baseFee: this.opts.baseFee,
      gasLimit: this.opts.blockGasLimit,
      coinbase: this.opts.coinbase,
      txs,
      receipts,
    });
    this.nextTimestamp = undefined;
    this.state.stateRoot = record.block.header.stateRoot;
    this.history.record(Number(record.block.header.number), this.state.takeChanges());
    this.addBlock(record);
    return record;
  }

  /**
   * Execute a call and discard its effects (eth_call, estimateGas): on the latest state unless
   * `opts.block` names a past block, with eth_call's overrides.
   */
  call(req: CallRequest, opts?: CallOptions): Promise<CallResult> {
    return this.exclusive(() => executeCall(this, req, opts));
  }

  /** eth_call: the return bytes, or a geth-style revert error with the revert data. */
  callOrThrow(req: CallRequest, opts?: CallOptions): Promise<Hex> {
    return callOrThrow(this, req, opts);
  }

  estimateGas(req: CallRequest, opts?: CallOptions): Promise<bigint> {
    return estimateGas(this, req, opts);
  }

  /** Release the worker thread. */
  async close(): Promise<void> {
    await this.exclusive(async () => {});
    await this.recovery.stop();
  }

  balanceOf(address: Hex): bigint {
    return this.state.balanceOf(address.toLowerCase());
  }

  account(address: Hex): Account {
    return this.state.getAccountSync(address.toLowerCase()) ?? new Account();
  }

  setBalance(address: Hex, balance: bigint): Promise<void> {
    return this.exclusive(async () => {
      const acc = this.account(address);
      acc.balance = balance;
      this.state.putAccountSync(address.toLowerCase(), acc);
    });
  }

  snapshot(): Promise<number> {
    return this.exclusive(async () => {
      this.state.checkpointSync();
      this.snapshots.push({
        depth: this.state.depth,
        height: this.blocks.length,
        timeOffset: this.timeOffset,
        nextTimestamp: this.nextTimestamp,
        unsealed: new Map(this.state.unsealedChanges()),
      });
      return this.snapshots.length;
    });
  }

  /** Revert to a snapshot; it and every later snapshot are consumed (as in anvil and hardhat). */
  revert(id: number): Promise<boolean> {
    return this.exclusive(async () => {
      const snap = this.snapshots[id - 1];
      if (snap === undefined) return false;
      while (this.state.depth >= snap.depth) this.state.revertSync();
      this.snapshots.length = id - 1;
      for (const removed of this.blocks.splice(snap.height)) {
        this.numberByHash.delete(removed.hash);
        for (const tx of removed.block.transactions) this.txIndex.delete(bytesToHex(tx.hash()));
      }
      this.history.truncate(snap.height);
      this.state.restoreUnsealedChanges(snap.unsealed);
      this.timeOffset = snap.timeOffset;
      this.nextTimestamp = snap.nextTimestamp;
      this.state.stateRoot = this.head().block.header.stateRoot;
      return true;
    });
  }

  increaseTime(seconds: bigint): bigint {
    if (seconds < 0n) throw badParams("cannot decrease time");
    this.timeOffset += seconds;
    return this.timeOffset;
  }

  setNextTimestamp(ts: bigint): void {
    if (ts < this.head().block.header.timestamp) {
      throw badParams(
        `timestamp ${ts} is lower than the previous block's ${this.head().block.header.timestamp}`,
      );
    }
    this.nextTimestamp = ts;
  }
}
