/**
 * Replays the contract's conformance scenario (produced by the Rust unit-test VM, see
 * stylus-contract/test-vectors/README.md) over JSON-RPC against the real WASM on the devnet,
 * and checks the same events, reverts and balances come out.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  encodeFunctionData,
  getAbiItem,
  type Hex,
  parseEther,
  parseEventLogs,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { quoteTypedData } from "@/lib/web3/eip712";
import { compactSignature } from "@/lib/web3/fund-job";
import { jobView, providerView } from "@/lib/web3/market-views";
import { type Devnet, encodeMarketConstructor, startDevnet } from "./index";
import { clientsFor, marketAbi } from "./test-helpers";

type Quote = {
  jobId: Hex;
  consumer: string;
  provider: string;
  ratePerSecond: string;
  maxSeconds: string;
  expiresAt: string;
  signedBy: string;
};
type Step = {
  from: string;
  call: string;
  args: string[];
  value: string;
  advanceSeconds: number;
  quote: Quote | null;
  events: { name: string; args: Record<string, string> }[];
  revert: string | null;
};
type Scenario = {
  accounts: Record<string, Address>;
  privateKeys: Record<string, Hex>;
  constructor: Record<string, string>;
  steps: Step[];
  final: {
    withdrawable: Record<string, string>;
    paid: Record<string, string>;
    providers: Record<string, Record<string, string>>;
    jobs: Record<string, Record<string, string>>;
    contractBalance: string;
  };
};

// CONFORMANCE_VECTORS: replay another file of the same format (e.g. one written by a branch).
const scenario = JSON.parse(
  readFileSync(
    process.env.CONFORMANCE_VECTORS ??
      resolve(import.meta.dirname, "../../stylus-contract/test-vectors/conformance.json"),
    "utf8",
  ),
) as Scenario;
const abi = marketAbi;

/** Render a decoded value the way the vectors write it: decimal integers, lowercase hex. */
function asVectorString(v: unknown): string {
  if (typeof v === "bigint" || typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v === "string") return v.toLowerCase();
  return JSON.stringify(v);
}

/** Convert the vector's string arguments to the ABI types of `fn`. */
function typedArgs(fn: string, args: unknown[]): unknown[] {
  const item = getAbiItem({ abi, name: fn }) as { inputs: { type: string }[] } | undefined;
  if (item === undefined) throw new Error(`ComputeMarket has no function ${fn}`);
  return args.map((a, i) => {
    const type = item.inputs[i]?.type ?? "";
    return /^u?int\d*$/.test(type) ? BigInt(a as string) : a;
  });
}

describe("conformance: the Rust TestVM scenario replayed on the devnet", () => {
  let devnet: Devnet;
  let c: ReturnType<typeof clientsFor>;
  const paid: Record<string, bigint> = {};
  const names = Object.keys(scenario.accounts);
  const addressOf = (name: string): Address => {
    const a = scenario.accounts[name];
    if (a === undefined) throw new Error(`unknown account ${name}`);
    return a;
  };

  beforeAll(async () => {
    const p = scenario.constructor;
    const need = (key: string) => {
      const v = p[key];
      if (v === undefined) throw new Error(`conformance.json: constructor has no ${key}`);
      return v;
    };
    devnet = await startDevnet({
      port: 0,
      artifactPath: process.env.DEVNET_ARTIFACT,
      constructorCalldata: encodeMarketConstructor({
        owner: need("owner") as Address,
        arbiter: need("arbiter") as Address,
        feeRecipient: need("feeRecipient") as Address,
        feeBps: Number(need("feeBps")),
        minStake: BigInt(need("minStake")),
        unstakeCooldown: BigInt(need("unstakeCooldown")),
        challengeWindow: BigInt(need("challengeWindow")),
        startGraceSeconds: BigInt(need("startGraceSeconds")),
        maxJobSeconds: BigInt(need("maxJobSeconds")),
        disputeTimeout: BigInt(need("disputeTimeout")),
        collateralBps: Number(need("collateralBps")),
        noShowSlashBps: Number(need("noShowSlashBps")),
        disputeDefaultPayBps: Number(need("disputeDefaultPayBps")),
      }),
    });
    c = clientsFor(devnet);
    for (const name of names) {
      await c.testClient.setBalance({ address: addressOf(name), value: parseEther("100") });
      paid[name] = 0n;
    }
  });
  afterAll(async () => {
    await devnet?.stop();
  });

  it("yields the same events and reverts, step by step", async () => {
    const market = devnet.contractAddress;
    for (const [i, step] of scenario.steps.entries()) {
      const label = `step ${i}: ${step.from} ${step.call}`;
      if (step.advanceSeconds > 0)
        await c.testClient.increaseTime({ seconds: step.advanceSeconds });
      let args: unknown[] = step.args;
      if (step.quote) {
        const q = step.quote;
        const signer = privateKeyToAccount(scenario.privateKeys[q.signedBy] as Hex);
        const signature = await signer.signTypedData(
          quoteTypedData(devnet.chainId, market, {
            jobId: q.jobId,
            consumer: addressOf(q.consumer),
            provider: addressOf(q.provider),
            ratePerSecond: BigInt(q.ratePerSecond),
            maxSeconds: BigInt(q.maxSeconds),
            expiresAt: BigInt(q.expiresAt),
          }),
        );
        // fundJob takes the EIP-2098 compact form: "$r" and "$yParityAndS" stand for its words.
        const { r, yParityAndS } = compactSignature(signature);
        const placeholders: Record<string, Hex> = { $r: r, $yParityAndS: yParityAndS };
        expect(step.args, `${label}: the quote's "$r" and "$yParityAndS"`).toEqual(
          expect.arrayContaining(Object.keys(placeholders)),
        );
        args = step.args.map((a) => placeholders[a] ?? a);
      }
      const account = privateKeyToAccount(scenario.privateKeys[step.from] as Hex);
      const data = encodeFunctionData({
        abi,
        functionName: step.call,
        args: typedArgs(step.call, args),
      });
      const value = BigInt(step.value);

      if (step.revert !== null) {
        const err = await c.publicClient.call({ account, to: market, data, value }).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err, label).toBeInstanceOf(BaseError);
        // Decode the revert data with the ABI's custom errors.
        const raw = (err as BaseError).walk(
          (e) => typeof (e as { data?: unknown }).data === "string",
        ) as { data: Hex } | null;
        const decoded = new ContractFunctionRevertedError({
          abi,
          data: raw?.data,
          functionName: step.call,
        });
        expect(decoded.data?.errorName, label).toBe(step.revert);
      }

      const balancesBefore = await Promise.all(
        names.map((n) => c.publicClient.getBalance({ address: addressOf(n) })),
      );
      const nonce = await c.publicClient.getTransactionCount({ address: account.address });
      const raw = await account.signTransaction({
        chainId: devnet.chainId,
        type: "eip1559",
        to: market,
        data,
        value,
        nonce,
        gas: 3_000_000n,
        maxFeePerGas: 1_000_000_000n,
        maxPriorityFeePerGas: 0n,
      });
      const hash = await c.publicClient.sendRawTransaction({ serializedTransaction: raw });
      const receipt = await c.publicClient.waitForTransactionReceipt({ hash });
      expect(receipt.status, label).toBe(step.revert === null ? "success" : "reverted");
      const events = parseEventLogs({ abi, logs: receipt.logs }).map((log) => ({
        name: log.eventName,
        args: Object.fromEntries(
          Object.entries(log.args as Record<string, unknown>).map(([k, v]) => [
            k,
            asVectorString(v),
          ]),
        ),
      }));
      expect(events, label).toEqual(step.events);

      const balancesAfter = await Promise.all(
        names.map((n) => c.publicClient.getBalance({ address: addressOf(n) })),
      );
      names.forEach((name, j) => {
        let delta = (balancesAfter[j] ?? 0n) - (balancesBefore[j] ?? 0n);
        if (name === step.from)
          delta +=
            receipt.gasUsed * receipt.effectiveGasPrice + (step.revert === null ? value : 0n);
        paid[name] = (paid[name] ?? 0n) + delta;
      });
    }
  });

  it("ends with the same balances, providers and jobs", async () => {
    const market = devnet.contractAddress;
    const f = scenario.final;
    expect((await c.publicClient.getBalance({ address: market })).toString()).toBe(
      f.contractBalance,
    );
    for (const [name, expected] of Object.entries(f.paid)) {
      expect((paid[name] ?? 0n).toString(), `paid ${name}`).toBe(expected);
    }
    for (const [name, expected] of Object.entries(f.withdrawable)) {
      const owed = await c.publicClient.readContract({
        address: market,
        abi,
        functionName: "withdrawable",
        args: [addressOf(name)],
      });
      expect(asVectorString(owed), `withdrawable ${name}`).toBe(expected);
    }
    // Each record is compared on the fields the vectors list, by name (lib/web3/market-views.ts).
    const pick = (view: Record<string, unknown>, expected: Record<string, string>, what: string) =>
      Object.fromEntries(
        Object.keys(expected).map((k) => {
          if (!(k in view)) throw new Error(`${what}: the view has no field ${k}`);
          return [k, asVectorString(view[k])];
        }),
      );
    for (const [name, expected] of Object.entries(f.providers)) {
      const view = providerView(
        await c.publicClient.readContract({
          address: market,
          abi: computeMarketAbi,
          functionName: "provider",
          args: [addressOf(name)],
        }),
      );
      expect(pick(view, expected, `provider ${name}`), `provider ${name}`).toEqual(expected);
    }
    for (const [label, expected] of Object.entries(f.jobs)) {
      const jobId = expected.jobId as Hex;
      const view = jobView(
        await c.publicClient.readContract({
          address: market,
          abi: computeMarketAbi,
          functionName: "job",
          args: [jobId],
        }),
      );
      expect(pick({ ...view, jobId }, expected, `job ${label}`), `job ${label}`).toEqual(expected);
    }
  });
});
