import "server-only";
import { type Address, type Chain, createPublicClient, type Hex, http } from "viem";
import { AppError } from "@/lib/errors";
import { probeChainId } from "@/lib/web3/rpc-probe";

/** Checks a signature that did not recover to its address: a smart-contract wallet's. */
export type ContractSignatureVerifier = (input: {
  address: Address;
  message: string;
  signature: Hex;
}) => Promise<boolean>;

/**
 * Smart-contract wallets through the chain's RPC, with viem's `verifyMessage`: ERC-6492's
 * universal validator (a deployless eth_call, or the chain's deployed verifier when viem knows
 * one) answers for a deployed wallet through its ERC-1271 `isValidSignature`, and for a wallet not
 * deployed yet by running the factory call wrapped into an ERC-6492 signature first.
 */
export function chainSignatureVerifier(chain: Chain, rpcUrl: string): ContractSignatureVerifier {
  const client = createPublicClient({
    chain,
    transport: http(rpcUrl, { timeout: 5_000, retryCount: 1 }),
  });
  return async ({ address, message, signature }) => {
    let valid = false;
    try {
      valid = await client.verifyMessage({ address, message, signature });
    } catch (error) {
      console.warn(
        `sign-in: contract signature check failed on chain ${chain.id}: ${(error as Error).name}`,
      );
      valid = false;
    }
    // viem answers false when the RPC did not answer too: tell that case apart for the user.
    if (!valid && (await probeChainId(rpcUrl, 2_000)) === null) {
      throw new AppError(
        "unavailable",
        `This signature is not from an ordinary wallet key, and ${chain.name}'s RPC endpoint did not answer to check it as a smart-contract wallet. Try again in a minute.`,
      );
    }
    return valid;
  };
}
