import type { Block } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import type { EVM, ExecResult } from "@ethereumjs/evm";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Address, bytesToHex, createZeroAddress, hexToBytes } from "@ethereumjs/util";
import { rejected, reverted } from "./errors";
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

/** What a call needs of the chain (`Chain` is one). */
type Chain = {
  readonly opts: { blockGasLimit: bigint; baseFee: bigint };
  readonly txCommon: Common;
  readonly state: DevnetState;
  readonly evm: EVM;
  pendingTimestamp(): bigint;
  pendingBlock(timestamp: bigint): Block;
  call(req: CallRequest): Promise<CallResult>;
};

/**
 * Run a call on the latest state inside a checkpoint that is always reverted. The caller holds
 * the chain's queue (the state is shared with transactions).
 */
export async function executeCall(chain: Chain, req: CallRequest): Promise<CallResult> {
  const { evm, state, opts } = chain;
  const caller = req.from ? new Address(hexToBytes(req.from)) : createZeroAddress();
  const to = req.to ? new Address(hexToBytes(req.to)) : undefined;
  const data = req.data ? hexToBytes(req.data) : new Uint8Array(0);
  const gasLimit = req.gas ?? opts.blockGasLimit;
  const intrinsicGas = createFeeMarket1559Tx(
    { to, data, value: req.value ?? 0n, gasLimit },
    { common: chain.txCommon },
  ).getIntrinsicGas();
  if (gasLimit < intrinsicGas) throw rejected("intrinsic gas too low");
  const block = chain.pendingBlock(chain.pendingTimestamp());
  state.checkpointSync();
  evm.journal.cleanJournal();
  try {
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
      gasPrice: req.gasPrice ?? opts.baseFee,
      block,
      skipBalance: true,
    });
    return { ...res.execResult, intrinsicGas };
  } finally {
    state.revertSync();
    evm.journal.cleanJournal();
  }
}

/** eth_call: the return bytes, or a geth-style revert error with the revert data. */
export async function callOrThrow(chain: Chain, req: CallRequest): Promise<Hex> {
  const res = await chain.call(req);
  if (res.exceptionError !== undefined) {
    if (res.exceptionError.error === "revert") throw reverted(bytesToHex(res.returnValue));
    throw rejected(`execution failed: ${res.exceptionError.error}`);
  }
  return bytesToHex(res.returnValue);
}

export async function estimateGas(chain: Chain, req: CallRequest): Promise<bigint> {
  const limit = chain.opts.blockGasLimit;
  const res = await chain.call({ ...req, gas: req.gas ?? limit });
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
