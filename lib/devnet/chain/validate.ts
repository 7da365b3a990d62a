import type { TypedTransaction } from "@ethereumjs/tx";
import type { Account } from "@ethereumjs/util";
import { rejected } from "./errors";

type Limits = { chainId: bigint; baseFee: bigint; blockGasLimit: bigint };

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
