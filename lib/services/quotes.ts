import "server-only";
import {
  type Address,
  getAddress,
  type Hex,
  keccak256,
  recoverTypedDataAddress,
  stringToBytes,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type QuoteMessage, type quoteDomain, quoteTypes } from "@/lib/web3/eip712";

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

/** The job's id on chain: keccak256 of its uuid's text. */
export function chainJobId(jobId: string): Hex {
  return keccak256(stringToBytes(jobId));
}

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
    signature,
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
