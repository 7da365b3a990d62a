/**
 * Writes stylus-contract/test-vectors/eip712.json: quotes signed with viem, with
 * viem's domain separator, struct hash, digest and recovered signer. Generated
 * once and committed; the Rust tests and lib/web3/eip712.test.ts both read it.
 * Everything is derived from fixed labels, so a rerun writes the same file.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  type Address,
  type Hex,
  hashDomain,
  hashStruct,
  hashTypedData,
  keccak256,
  recoverTypedDataAddress,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { type QuoteMessage, quoteDomain, quoteTypedData, quoteTypes } from "../../lib/web3/eip712";
import { CRATE_DIR } from "./toolchain";

const OUT = path.join(CRATE_DIR, "test-vectors", "eip712.json");

const word = (label: string): Hex => keccak256(toHex(label));
const address = (label: string): Address => `0x${word(label).slice(26)}` as Address;

const cases: {
  chainId: number;
  label: string;
  rate: bigint;
  maxSeconds: bigint;
  expiresAt: bigint;
}[] = [
  {
    chainId: 412346,
    label: "devnet",
    rate: 1_000_000_000_000n,
    maxSeconds: 3_600n,
    expiresAt: 4_102_444_800n,
  },
  { chainId: 421614, label: "sepolia", rate: 1n, maxSeconds: 1n, expiresAt: 1n },
  {
    chainId: 42161,
    label: "one",
    rate: 277_777_777_778n,
    maxSeconds: 86_400n,
    expiresAt: 1_764_000_000n,
  },
  {
    chainId: 1,
    label: "max",
    rate: 2n ** 256n - 1n,
    maxSeconds: 2n ** 64n - 1n,
    expiresAt: 2n ** 64n - 1n,
  },
  { chainId: 412346, label: "zero", rate: 0n, maxSeconds: 0n, expiresAt: 0n },
  { chainId: 31337, label: "small", rate: 12_345n, maxSeconds: 600n, expiresAt: 1_700_000_600n },
];

async function main() {
  const vectors = [];
  for (const c of cases) {
    const privateKey = word(`eip712/${c.label}/signer`);
    const account = privateKeyToAccount(privateKey);
    const verifyingContract = address(`eip712/${c.label}/contract`);
    const quote: QuoteMessage = {
      jobId: word(`eip712/${c.label}/job`),
      consumer: address(`eip712/${c.label}/consumer`),
      provider: address(`eip712/${c.label}/provider`),
      ratePerSecond: c.rate,
      maxSeconds: c.maxSeconds,
      expiresAt: c.expiresAt,
    };
    const typed = quoteTypedData(c.chainId, verifyingContract, quote);
    const signature = await account.signTypedData(typed);
    const recovered = await recoverTypedDataAddress({ ...typed, signature });
    vectors.push({
      name: c.label,
      chainId: c.chainId,
      verifyingContract,
      privateKey,
      signer: account.address,
      quote: {
        jobId: quote.jobId,
        consumer: quote.consumer,
        provider: quote.provider,
        ratePerSecond: quote.ratePerSecond.toString(),
        maxSeconds: quote.maxSeconds.toString(),
        expiresAt: quote.expiresAt.toString(),
      },
      domainSeparator: hashDomain({
        domain: { ...quoteDomain(c.chainId, verifyingContract), chainId: BigInt(c.chainId) },
        types: { EIP712Domain: eip712DomainType },
      }),
      structHash: hashStruct({ data: quote, primaryType: "Quote", types: quoteTypes }),
      digest: hashTypedData(typed),
      signature,
      recovered,
    });
  }
  mkdirSync(path.dirname(OUT), { recursive: true });
  writeFileSync(
    OUT,
    `${JSON.stringify({ generatedBy: "scripts/contract/eip712-vectors.ts", vectors }, null, 2)}\n`,
  );
  console.log(`wrote ${vectors.length} vectors to ${path.relative(process.cwd(), OUT)}`);
}

const eip712DomainType = [
  { name: "name", type: "string" },
  { name: "version", type: "string" },
  { name: "chainId", type: "uint256" },
  { name: "verifyingContract", type: "address" },
] as const;

await main();
