import "server-only";
import {
  type Address,
  compactSignatureToSignature,
  getAddress,
  type Hex,
  recoverTypedDataAddress,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type QuoteMessage, type quoteDomain, quoteTypes } from "@/lib/web3/eip712";
import { compactSignature } from "@/lib/web3/fund-job";

/**
 * The job's id on chain: the consumer's address, then 12 bytes of keccak256 of the job's uuid
 * (ComputeMarket only lets the id's own consumer fund it).
 */
export { chainJobId } from "@/lib/web3/job-id";

export type { QuoteMessage };

export type QuoteDomain = ReturnType<typeof quoteDomain>;

/**
 * Whatever holds a provider's signer key: the provider's agent in production (over its API),
 * a local key in development and tests.
 */
export type QuoteSigner = {
  address: Address;
  signQuote(domain: QuoteDomain, message: QuoteMessage): Promise<Hex>;
};

export function localQuoteSigner(privateKey: Hex): QuoteSigner {
  const account = privateKeyToAccount(privateKey);
  return {
    address: account.address,
    signQuote: (domain, message) =>
      account.signTypedData({ domain, types: quoteTypes, primaryType: "Quote", message }),
  };
}

/**
 * Who signed a quote, as ComputeMarket will see it: recovered from the EIP-2098 compact form
 * that `fundJob` sends (`fundJobArgs`), so a signature that passes here is one the contract accepts.
 */
export async function quoteSignerOf(
  domain: QuoteDomain,
  message: QuoteMessage,
  signature: Hex,
): Promise<Address> {
  return recoverTypedDataAddress({
    domain,
    types: quoteTypes,
    primaryType: "Quote",
    message,
    signature: compactSignatureToSignature(compactSignature(signature)),
  });
}

/** Finds the signer for a provider's signer address; undefined until its agent is reachable. */
export type SignerResolver = (signerAddress: Address) => QuoteSigner | undefined;

const localSigners = new Map<string, QuoteSigner>();

/** Registers a local key (development, tests) so quotes for its address are signed in-process. */
export function registerLocalSigner(privateKey: Hex): QuoteSigner {
  const signer = localQuoteSigner(privateKey);
  localSigners.set(signer.address.toLowerCase(), signer);
  return signer;
}

export const localSignerResolver: SignerResolver = (address) =>
  localSigners.get(getAddress(address).toLowerCase());
