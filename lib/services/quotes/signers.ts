import "server-only";
import { secp256k1 } from "@noble/curves/secp256k1.js";
import {
  type Address,
  compactSignatureToSignature,
  getAddress,
  type Hex,
  hashTypedData,
  hexToBigInt,
  recoverPublicKey,
  recoverTypedDataAddress,
} from "viem";
import { privateKeyToAccount, publicKeyToAddress } from "viem/accounts";
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

type CurvePoint = InstanceType<typeof secp256k1.Point>;

/** Signers' public keys, with precomputed multiples, by lowercase address. */
const signerPoints = new Map<string, CurvePoint>();
const SIGNER_POINTS_MAX = 10_000;

/**
 * Whether `signature` is `signer`'s quote, exactly as ComputeMarket's ecrecover of the EIP-2098
 * compact form sees it (`quoteSignerOf(...) === signer`), checked without recovering a public
 * key each time: recovery costs about 7 ms of CPU per quote (an unprecomputed point
 * multiplication), on the path from the engine's match to the agent's quote stored. The
 * signer's first quote is recovered; its public key is then kept with precomputed multiples,
 * and later quotes are checked against it (R = (h/s)G + (r/s)P must have x = r and the
 * signature's y parity, which is what makes ecrecover give P back), in well under a millisecond.
 */
export async function quoteSignedBy(
  domain: QuoteDomain,
  message: QuoteMessage,
  signature: Hex,
  signer: string,
): Promise<boolean> {
  const {
    r: rHex,
    s: sHex,
    yParity: parity,
  } = compactSignatureToSignature(compactSignature(signature));
  const yParity = parity ?? 0;
  const digest = hashTypedData({ domain, types: quoteTypes, primaryType: "Quote", message });
  const key = signer.toLowerCase();
  const point = signerPoints.get(key);
  if (!point) {
    const publicKey = await recoverPublicKey({
      hash: digest,
      signature: { r: rHex, s: sHex, yParity },
    });
    if (publicKeyToAddress(publicKey).toLowerCase() !== key) return false;
    const P = secp256k1.Point.fromHex(publicKey.slice(2)).precompute(8, false);
    if (signerPoints.size >= SIGNER_POINTS_MAX) signerPoints.clear();
    signerPoints.set(key, P);
    return true;
  }
  const Fn = secp256k1.Point.Fn;
  const r = hexToBigInt(rHex);
  const s = hexToBigInt(sHex);
  if (r === 0n || r >= Fn.ORDER || s === 0n || s >= Fn.ORDER) return false;
  const sInv = Fn.inv(s);
  const u1 = Fn.mul(Fn.create(hexToBigInt(digest)), sInv);
  const u2 = Fn.mul(r, sInv);
  const R = secp256k1.Point.BASE.multiplyUnsafe(u1).add(point.multiplyUnsafe(u2));
  if (R.is0()) return false;
  const { x, y } = R.toAffine();
  return x === r && Number(y & 1n) === yParity;
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
