import type { TypedTransaction } from "@ethereumjs/tx";
import { type Account, bytesToBigInt } from "@ethereumjs/util";
import { fromRlp } from "viem";
import { rejected } from "./errors";

type Limits = { chainId: bigint; baseFee: bigint; blockGasLimit: bigint };

/**
 * The chain id a raw transaction was signed for, read before decoding it: ethereumjs refuses a
 * transaction for another chain while decoding, with a message of its own, and clients expect
 * geth's. Undefined for a legacy transaction without replay protection (v 27 or 28) and for bytes
 * that are not a transaction (decoding then says what is wrong).
 */
export function signedChainId(raw: Uint8Array): bigint | undefined {
  try {
    const first = raw[0];
    if (first === undefined) return undefined;
    if (first <= 0x7f) {
      const fields = fromRlp(raw.subarray(1), "bytes");
      const chainId = Array.isArray(fields) ? fields[0] : undefined;
      return chainId instanceof Uint8Array ? bytesToBigInt(chainId) : undefined;
    }
    const fields = fromRlp(raw, "bytes");
    const v = Array.isArray(fields) ? fields[6] : undefined;
    if (!(v instanceof Uint8Array)) return undefined;
    const value = bytesToBigInt(v);
    return value >= 35n ? (value - 35n) / 2n : undefined;
  } catch {
    return undefined;
  }
}

/** geth's refusal of a transaction signed for another chain (its signer's words). */
export function checkChainId(signedFor: bigint | undefined, chainId: bigint): void {
  if (signedFor !== undefined && signedFor !== chainId) {
    throw rejected(`invalid chain id for signer: have ${signedFor} want ${chainId}`);
  }
}

/**
 * The checks a geth-style node applies before accepting a transaction, with its messages (viem
 * and wallets match on them: "nonce too low", "insufficient funds", ...). The devnet mines at
 * once and has no queue, so a future nonce is refused as "nonce too high".
 */
export function validateTx(
  tx: TypedTransaction,
  from: string,
  account: Account | undefined,
  limits: Limits,
): void {
  if (tx.common.chainId() !== limits.chainId) {
    throw rejected(
      `invalid chain id for signer: have ${tx.common.chainId()} want ${limits.chainId}`,
    );
  }
  const nonce = account?.nonce ?? 0n;
  if (tx.nonce < nonce) {
    throw rejected(`nonce too low: address ${from}, tx: ${tx.nonce} state: ${nonce}`);
  }
  if (tx.nonce > nonce) {
    throw rejected(`nonce too high: address ${from}, tx: ${tx.nonce} state: ${nonce}`);
  }
  if (tx.gasLimit > limits.blockGasLimit) throw rejected("exceeds block gas limit");
  const intrinsic = tx.getIntrinsicGas();
  if (tx.gasLimit < intrinsic) {
    throw rejected(`intrinsic gas too low: gas ${tx.gasLimit}, minimum needed ${intrinsic}`);
  }
  let maxFee: bigint;
  if ("maxFeePerGas" in tx) {
    if (tx.maxPriorityFeePerGas > tx.maxFeePerGas) {
      throw rejected(
        `max priority fee per gas higher than max fee per gas: address ${from}, maxPriorityFeePerGas: ${tx.maxPriorityFeePerGas}, maxFeePerGas: ${tx.maxFeePerGas}`,
      );
    }
    maxFee = tx.maxFeePerGas;
    if (maxFee < limits.baseFee) {
      throw rejected(
        `max fee per gas less than block base fee: address ${from}, maxFeePerGas: ${maxFee}, baseFee: ${limits.baseFee}`,
      );
    }
  } else {
    maxFee = (tx as { gasPrice: bigint }).gasPrice;
    if (maxFee < limits.baseFee) {
      throw rejected(
        `transaction underpriced: address ${from}, gasPrice: ${maxFee}, baseFee: ${limits.baseFee}`,
      );
    }
  }
  const cost = tx.gasLimit * maxFee + tx.value;
  const balance = account?.balance ?? 0n;
  if (balance < cost) {
    throw rejected(
      `insufficient funds for gas * price + value: address ${from} have ${balance} want ${cost}`,
    );
  }
}
