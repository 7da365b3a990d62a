import { paramsBlock } from "@ethereumjs/block";
import { type Common, createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { paramsTx } from "@ethereumjs/tx";

export function createDevnetCommon(chainId: number): Common {
  return createCustomCommon({ chainId, name: "stylus-devnet" }, Mainnet, {
    hardfork: Hardfork.Cancun,
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
