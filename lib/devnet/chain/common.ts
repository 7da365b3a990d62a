import { paramsBlock } from "@ethereumjs/block";
import { type Common, createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { paramsTx } from "@ethereumjs/tx";
import { bytesToHex, ecrecover } from "@ethereumjs/util";

const RECOVERED_MAX = 4096;
const recovered = new Map<string, Uint8Array>();

/**
 * ecrecover with a bounded memo. Key recovery costs milliseconds in JavaScript, and the same
 * recovery recurs: a wallet estimates gas for `fundJob` (which checks the quote signature), then
 * sends it. The function is pure, so a memo cannot change a result.
 */
function memoEcrecover(
  msgHash: Uint8Array,
  v: bigint,
  r: Uint8Array,
  s: Uint8Array,
  chainId?: bigint,
): Uint8Array {
  const key = `${bytesToHex(msgHash)}:${v}:${bytesToHex(r)}:${bytesToHex(s)}:${chainId ?? ""}`;
  const hit = recovered.get(key);
  if (hit !== undefined) return hit;
  const pub = ecrecover(msgHash, v, r, s, chainId);
  if (recovered.size >= RECOVERED_MAX) recovered.clear();
  recovered.set(key, pub);
  return pub;
}

export function createDevnetCommon(chainId: number): Common {
  return createCustomCommon({ chainId, name: "stylus-devnet" }, Mainnet, {
    hardfork: Hardfork.Cancun,
    customCrypto: { ecrecover: memoEcrecover },
  });
}

/**
 * A Common for building blocks and decoding transactions. ethereumjs copies the Common and
 * deep-copies its parameter tables for every header and transaction, which costs more than
 * executing a contract call; this one is shared instead (fixed hardfork, parameters loaded once).
 */
export function createSharedCommon(chainId: number): Common {
  const common = createDevnetCommon(chainId);
  common.updateParams(paramsBlock);
  common.updateParams(paramsTx);
  common.copy = () => common;
  common.updateParams = () => common;
  return common;
}
