/**
 * The chain the indexer benchmark reads: a devnet in a child process (as the app would reach a
 * node), and pre-signed ComputeMarket transactions sent to it through JSON-RPC: whole job
 * lifecycles (fund, acknowledge, submit, finalize) from three providers and three consumers, and
 * withdrawals. Used by scripts/bench/index.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { encodeFunctionData, type Hex, keccak256, parseEther, parseGwei, toHex } from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import {
  DEFAULT_MARKET_PARAMS,
  DEVNET_CHAIN_ID,
  DEVNET_COMPUTE_MARKET_ADDRESS,
  DEVNET_PRIVATE_KEYS,
} from "../../lib/devnet/index";
import { computeMarketAbi as abi } from "../../lib/web3/compute-market-abi";
import { quoteTypedData } from "../../lib/web3/eip712";
import { fundJobCall } from "../../lib/web3/fund-job";
import { chainJobId } from "../../lib/web3/job-id";

const market = DEVNET_COMPUTE_MARKET_ADDRESS as Hex;
const account = (i: number) => privateKeyToAccount(DEVNET_PRIVATE_KEYS[i] as Hex);
const feeRecipient = account(2);
const providers = [3, 4, 5].map(account);
const consumers = [6, 7, 8].map(account);
const finalizer = account(9);

export type DevnetChild = { url: string; pid: number; stop(): Promise<void> };

/** The devnet CLI in a child process, its chain saved in `dataDir`. */
export function startDevnetChild(dataDir: string): Promise<DevnetChild> {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", "lib/devnet/cli.ts", "--port", "0", "--quiet", "--data-dir", dataDir],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m?.[1]) {
        resolve({
          url: m[1],
          pid: child.pid as number,
          async stop() {
            // SIGTERM: the devnet saves its chain, then exits.
            child.kill("SIGTERM");
            await exited;
          },
        });
      }
    });
    child.once("exit", (code) => reject(new Error(`devnet exited with ${code}`)));
  });
}

let rpcId = 0;
export async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

type Call = { from: PrivateKeyAccount; data: Hex; value?: bigint };

/** Signs calls in order, each sender's nonces counted from `nonces` (updated). */
async function sign(calls: Call[], nonces: Map<string, number>): Promise<Hex[]> {
  return Promise.all(
    calls.map((c) => {
      const nonce = nonces.get(c.from.address) ?? 0;
      nonces.set(c.from.address, nonce + 1);
      return c.from.signTransaction({
        chainId: DEVNET_CHAIN_ID,
        type: "eip1559",
        to: market,
        data: c.data,
        value: c.value ?? 0n,
        nonce,
        gas: 1_000_000n,
        maxFeePerGas: parseGwei("1"),
        maxPriorityFeePerGas: 0n,
      });
    }),
  );
}

/** The senders' next nonces on the chain. */
export async function nonces(url: string): Promise<Map<string, number>> {
  const all = [feeRecipient, ...providers, ...consumers, finalizer];
  const counts = await Promise.all(
    all.map(async (a) =>
      Number(BigInt(await rpc<Hex>(url, "eth_getTransactionCount", [a.address, "latest"]))),
    ),
  );
  return new Map(all.map((a, i) => [a.address, counts[i] as number]));
}

/**
 * Sends one raw transaction. A sender's transactions in flight together may arrive out of order;
 * the devnet waits a second for the missing nonce, then refuses: it is sent again a bit later.
 */
export async function sendRaw(url: string, raw: Hex): Promise<Hex> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await rpc<Hex>(url, "eth_sendRawTransaction", [raw]);
    } catch (error) {
      if (!/nonce too high/.test(String(error)) || attempt >= 20) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Sends raw transactions, `concurrency` in flight; throws if one did not succeed. */
export async function sendAll(url: string, raws: Hex[], concurrency = 16): Promise<void> {
  let next = 0;
  const hashes: Hex[] = [];
  const worker = async () => {
    while (next < raws.length) {
      const i = next++;
      hashes[i] = await sendRaw(url, raws[i] as Hex);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const last = hashes.at(-1);
  const receipt = last && (await rpc<{ status: Hex }>(url, "eth_getTransactionReceipt", [last]));
  if (last && receipt && receipt.status !== "0x1") throw new Error(`transaction ${last} reverted`);
}

/** The providers stake and sign their own quotes (once per chain). */
export async function setUp(url: string): Promise<void> {
  const n = await nonces(url);
  const calls: Call[] = providers.flatMap((p) => [
    { from: p, data: encodeFunctionData({ abi, functionName: "stake" }), value: parseEther("100") },
    { from: p, data: encodeFunctionData({ abi, functionName: "setSigner", args: [p.address] }) },
  ]);
  await sendAll(url, await sign(calls, n), 1);
}

let label = 0;

/** Signed quotes for `count` jobs, round-robin over the providers and consumers. */
async function quotes(url: string, count: number) {
  const block = await rpc<{ timestamp: Hex }>(url, "eth_getBlockByNumber", ["latest", false]);
  const expiresAt = BigInt(block.timestamp) + 3_000n;
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const provider = providers[i % 3] as PrivateKeyAccount;
      const consumer = consumers[(i + Math.floor(i / 3)) % 3] as PrivateKeyAccount;
      const message = {
        jobId: chainJobId(consumer.address, `bench-index-${Date.now()}-${label++}`),
        consumer: consumer.address,
        provider: provider.address,
        ratePerSecond: parseGwei("1"),
        maxSeconds: 3_600n,
        expiresAt,
      };
      const signature = await provider.signTypedData(
        quoteTypedData(DEVNET_CHAIN_ID, market, message),
      );
      return { provider, consumer, message, signature };
    }),
  );
}

type Quote = Awaited<ReturnType<typeof quotes>>[number];

const fundCall = (q: Quote): Call => {
  const { functionName, args, value } = fundJobCall(q);
  return { from: q.consumer, data: encodeFunctionData({ abi, functionName, args }), value };
};
const ackCall = (q: Quote): Call => ({
  from: q.provider,
  data: encodeFunctionData({ abi, functionName: "acknowledgeStart", args: [q.message.jobId] }),
});
const submitCall = (q: Quote): Call => ({
  from: q.provider,
  data: encodeFunctionData({
    abi,
    functionName: "submitResult",
    args: [q.message.jobId, 1_800n, keccak256(q.message.jobId)],
  }),
});

/**
 * `count` whole jobs (4 events each: funded, started, submitted, finalized), then a withdrawal by
 * every party (one event each): 4 * count + 7 events.
 */
export async function jobWave(url: string, count: number): Promise<number> {
  const n = await nonces(url);
  const qs = await quotes(url, count);
  const phases = [qs.map(fundCall), qs.map(ackCall), qs.map(submitCall)];
  for (const calls of phases) await sendAll(url, await sign(calls, n));
  await rpc(url, "evm_increaseTime", [toHex(Number(DEFAULT_MARKET_PARAMS.challengeWindow) + 1)]);
  const finalize = qs.map(
    (q): Call => ({
      from: finalizer,
      data: encodeFunctionData({ abi, functionName: "finalize", args: [q.message.jobId] }),
    }),
  );
  await sendAll(url, await sign(finalize, n));
  const withdraw = [feeRecipient, ...providers, ...consumers].map(
    (from): Call => ({ from, data: encodeFunctionData({ abi, functionName: "withdraw" }) }),
  );
  await sendAll(url, await sign(withdraw, n));
  return 4 * count + withdraw.length;
}

/**
 * A live load: jobs funded, acknowledged and submitted (one event per transaction), signed ahead
 * in groups of 50 jobs whose transactions go out in that order, so each job's fund is mined long
 * before its acknowledgement is sent (a second at 50 tx/s).
 */
export async function liveTransactions(url: string, count: number): Promise<Hex[]> {
  // An empty block first: the latest block's time, which quotes expire after, is the chain's now
  // (a saved chain's last block may be older than a quote's life).
  await rpc(url, "evm_mine", []);
  const n = await nonces(url);
  const raws: Hex[] = [];
  while (raws.length < count) {
    const qs = await quotes(url, 50);
    for (const phase of [fundCall, ackCall, submitCall]) {
      raws.push(...(await sign(qs.map(phase), n)));
    }
  }
  return raws.slice(0, count);
}
