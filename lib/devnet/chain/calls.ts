import type { Block } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { EVM, ExecResult } from "@ethereumjs/evm";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Address, bytesToHex, createZeroAddress, hexToBytes } from "@ethereumjs/util";
import { rejected, reverted } from "./errors";
import type { StateHistory } from "./history";
import { applyStateOverride, type BlockOverrides, type StateOverride } from "./overrides";
import type { Hex } from "./records";
import type { DevnetState } from "./state";

export type CallResult = ExecResult & { intrinsicGas: bigint };

export type CallRequest = {
  from?: Hex;
  to?: Hex | null;
  data?: Hex;
  value?: bigint;
  gas?: bigint;
  gasPrice?: bigint;
};

/** Where and how a call runs besides its request (eth_call's second to fourth parameters). */
export type CallOptions = {
  /** The block whose state the call reads; default: the latest. */
  block?: BlockRef;
  stateOverride?: StateOverride;
  blockOverrides?: BlockOverrides;
};

/** A block parameter: a tag that means the latest state, a number, or a hash (EIP-1898). */
export type BlockRef = { tag: "latest" } | { number: bigint } | { hash: Hex };

/** The header fields a call's block context holds. */
export type BlockFields = {
  number: bigint;
  timestamp: bigint;
  gasLimit: bigint;
  baseFee: bigint;
  coinbase: Hex;
  prevRandao: Uint8Array;
  blobGasPrice: bigint;
};

/** What a call needs of the chain (`Chain` is one). */
type Chain = {
  readonly opts: { blockGasLimit: bigint; baseFee: bigint };
  readonly txCommon: Common;
  readonly state: DevnetState;
  readonly evm: EVM;
  readonly history: StateHistory;
  readonly blocks: readonly unknown[];
  /** The block whose state a read at `ref` sees; undefined for the latest state. */
  stateBlock(ref: BlockRef | undefined): number | undefined;
  /** The header fields of the next block (the latest state) or of block `n`. */
  blockFields(n: number | undefined): BlockFields;
  contextBlock(fields: BlockFields): Block;
  /** Why the code at `address` cannot be overridden, if it cannot. */
  reservedCode(address: string): string | undefined;
  call(req: CallRequest, opts?: CallOptions): Promise<CallResult>;
};

function overriddenFields(fields: BlockFields, o: BlockOverrides | undefined): BlockFields {
  if (o === undefined) return fields;
  return {
    number: o.number ?? fields.number,
    timestamp: o.time ?? fields.timestamp,
    gasLimit: o.gasLimit ?? fields.gasLimit,
    baseFee: o.baseFeePerGas ?? fields.baseFee,
    coinbase: o.feeRecipient ?? fields.coinbase,
    prevRandao: o.prevRandao ?? fields.prevRandao,
    blobGasPrice: o.blobBaseFee ?? fields.blobGasPrice,
  };
}

/**
 * Run a call inside a checkpoint that is always reverted, on the latest state (in the next
 * block's context, as a transaction sent now would run) or on the state a past block left (in
 * that block's context, as geth runs it), with eth_call's overrides applied. The caller holds the
 * chain's queue (the state is shared with transactions).
 */
export async function executeCall(
  chain: Chain,
  req: CallRequest,
  callOpts: CallOptions = {},
): Promise<CallResult> {
  const { evm, state, opts } = chain;
  const at = chain.stateBlock(callOpts.block);
  const fields = overriddenFields(chain.blockFields(at), callOpts.blockOverrides);
  const block = chain.contextBlock(fields);
  const caller = req.from ? new Address(hexToBytes(req.from)) : createZeroAddress();
  const to = req.to ? new Address(hexToBytes(req.to)) : undefined;
  const data = req.data ? hexToBytes(req.data) : new Uint8Array(0);
  const gasLimit = req.gas ?? opts.blockGasLimit;
  const intrinsicGas = createFeeMarket1559Tx(
    { to, data, value: req.value ?? 0n, gasLimit },
    { common: chain.txCommon },
  ).getIntrinsicGas();
  if (gasLimit < intrinsicGas) throw rejected("intrinsic gas too low");
  state.checkpointSync();
  state.recordChanges = false;
  state.originalStorageCache.clear();
  evm.journal.cleanJournal();
  try {
    if (at !== undefined) {
      const head = chain.blocks.length - 1;
      for (const prior of chain.history.priorsSince(at, head, state.unsealedChanges())) {
        state.restoreSync(prior);
      }
    }
    if (callOpts.stateOverride !== undefined) {
      applyStateOverride(state, callOpts.stateOverride, (a) => chain.reservedCode(a));
    }
    for (const addr of [caller, to, block.header.coinbase]) {
      if (addr) evm.journal.addAlwaysWarmAddress(addr.toString().slice(2));
    }
    for (const addr of evm.precompiles.keys()) evm.journal.addAlwaysWarmAddress(addr);
    const res = await evm.runCall({
      caller,
      origin: caller,
      to,
      data,
      value: req.value ?? 0n,
      gasLimit: gasLimit - intrinsicGas,
      gasPrice: req.gasPrice ?? fields.baseFee,
      block,
      skipBalance: true,
    });
    return { ...res.execResult, intrinsicGas };
  } finally {
    state.revertSync();
    state.recordChanges = true;
    state.originalStorageCache.clear();
    evm.journal.cleanJournal();
  }
}

/** eth_call: the return bytes, or a geth-style revert error with the revert data. */
export async function callOrThrow(
  chain: Chain,
  req: CallRequest,
  opts?: CallOptions,
): Promise<Hex> {
  const res = await chain.call(req, opts);
  if (res.exceptionError !== undefined) {
    if (res.exceptionError.error === "revert") throw reverted(bytesToHex(res.returnValue));
    throw rejected(`execution failed: ${res.exceptionError.error}`);
  }
  return bytesToHex(res.returnValue);
}

export async function estimateGas(
  chain: Chain,
  req: CallRequest,
  opts?: CallOptions,
): Promise<bigint> {
  const limit = chain.opts.blockGasLimit;
  const res = await chain.call({ ...req, gas: req.gas ?? limit }, opts);
  if (res.exceptionError !== undefined) {
    if (res.exceptionError.error === "revert") throw reverted(bytesToHex(res.returnValue));
    throw rejected(
      `gas required exceeds allowance or execution failed: ${res.exceptionError.error}`,
    );
  }
  // Headroom for the 63/64 rule and refunds: the limit must cover peak use, not net use.
  const padded = ((res.intrinsicGas + res.executionGasUsed) * 6n) / 5n;
  return padded < limit ? padded : limit;
}
