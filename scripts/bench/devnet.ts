/**
 * npm run bench:devnet [-- --jobs 200 --concurrency 16 --artifact path.wasm]
 *
 * Starts the embedded devnet in a child process (as the app would use it), then sends pre-signed
 * ComputeMarket transactions through JSON-RPC: stake, fundJob (with an EIP-712 quote checked by
 * ecrecover), acknowledgeStart, submitResult and finalize. Also times WASM instantiation with and
 * without the compiled-module cache. The last line printed is one JSON object.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { encodeFunctionData, type Hex, keccak256, parseEther, parseGwei, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createVmHooks, type HostRuntime } from "../../lib/devnet/host/hostio";
import {
  DEFAULT_ARTIFACT_PATH,
  DEVNET_CHAIN_ID,
  DEVNET_COMPUTE_MARKET_ADDRESS,
  DEVNET_PRIVATE_KEYS,
} from "../../lib/devnet/index";
import { computeMarketAbi as abi } from "../../lib/web3/compute-market-abi";
import { quoteTypedData } from "../../lib/web3/eip712";
import { fundJobCall } from "../../lib/web3/fund-job";
import { chainJobId } from "../../lib/web3/job-id";

const { values } = parseArgs({
  options: {
    jobs: { type: "string", default: "200" },
    concurrency: { type: "string", default: "16" },
    artifact: { type: "string", default: DEFAULT_ARTIFACT_PATH },
  },
});
const JOBS = Number(values.jobs);
const CONCURRENCY = Number(values.concurrency);

const market = DEVNET_COMPUTE_MARKET_ADDRESS as Hex;
const provider = privateKeyToAccount(DEVNET_PRIVATE_KEYS[5] as Hex);
const consumer = privateKeyToAccount(DEVNET_PRIVATE_KEYS[6] as Hex);
const staker = privateKeyToAccount(DEVNET_PRIVATE_KEYS[7] as Hex);

function startChild(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    [
      ...(process.env.DEVNET_BENCH_PROFILE_DIR
        ? ["--cpu-prof", `--cpu-prof-dir=${process.env.DEVNET_BENCH_PROFILE_DIR}`]
        : []),
      // DEVNET_BENCH_CHILD: a bundled devnet CLI to run with plain node instead of tsx.
      ...(process.env.DEVNET_BENCH_CHILD
        ? [process.env.DEVNET_BENCH_CHILD]
        : ["--import", "tsx", "lib/devnet/cli.ts"]),
      "--port",
      "0",
      "--quiet",
      "--artifact",
      values.artifact,
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (c: Buffer) => {
      out += c.toString();
      const m = out.match(/listening on (http:\/\/\S+)/);
      if (m?.[1]) resolve({ child, url: m[1] });
    });
    child.on("exit", (code) => reject(new Error(`devnet exited with ${code}`)));
  });
}

/** CPU seconds (user + system) the devnet process has used so far, from /proc (Linux). */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

let rpcId = 0;
async function rpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: ++rpcId, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

/** Send pre-signed transactions with a bounded number in flight; returns transactions per second. */
async function sendAll(url: string, raws: Hex[]): Promise<{ perSecond: number; hashes: Hex[] }> {
  const hashes: Hex[] = new Array(raws.length);
  let next = 0;
  const start = performance.now();
  const worker = async () => {
    while (next < raws.length) {
      const i = next++;
      hashes[i] = await rpc<Hex>(url, "eth_sendRawTransaction", [raws[i]]);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const seconds = (performance.now() - start) / 1000;
  return { perSecond: raws.length / seconds, hashes };
}

async function assertSucceeded(url: string, hashes: Hex[], what: string): Promise<void> {
  for (const hash of hashes) {
    const r = await rpc<{ status: Hex }>(url, "eth_getTransactionReceipt", [hash]);
    if (r?.status !== "0x1") throw new Error(`${what} transaction ${hash} did not succeed`);
  }
}

type Account = ReturnType<typeof privateKeyToAccount>;
async function signAll(
  account: Account,
  firstNonce: number,
  calls: { data: Hex; value?: bigint }[],
) {
  return Promise.all(
    calls.map((c, i) =>
      account.signTransaction({
        chainId: DEVNET_CHAIN_ID,
        type: "eip1559",
        to: market,
        data: c.data,
        value: c.value ?? 0n,
        nonce: firstNonce + i,
        gas: 1_000_000n,
        maxFeePerGas: parseGwei("1"),
        maxPriorityFeePerGas: 0n,
      }),
    ),
  );
}

/**
 * Cold: compile + instantiate, each run on distinct bytes (a unique custom section) so V8's
 * compiled-module cache cannot serve it. Cached: instantiate from the one compiled Module (what
 * the devnet does for a new instance). Reuse: reset a returned instance's memory from its
 * snapshot (what the devnet does for each call once an instance exists).
 */
function instantiateTimes(wasm: Uint8Array) {
  const imports = { vm_hooks: createVmHooks({} as HostRuntime) } as WebAssembly.Imports;
  const unique = (i: number) => {
    const name = new TextEncoder().encode(`bench-${i}-${Math.random()}`);
    const section = new Uint8Array([0, name.length + 1, name.length, ...name]);
    const out = new Uint8Array(wasm.length + section.length);
    out.set(wasm);
    out.set(section, wasm.length);
    return out;
  };
  const coldRuns = 10;
  const variants = Array.from({ length: coldRuns }, (_, i) => unique(i));
  let t = performance.now();
  for (const bytes of variants) new WebAssembly.Instance(new WebAssembly.Module(bytes), imports);
  const cold = (performance.now() - t) / coldRuns;
  const module = new WebAssembly.Module(wasm as Uint8Array<ArrayBuffer>);
  const runs = 300;
  t = performance.now();
  let last: WebAssembly.Instance | undefined;
  for (let i = 0; i < runs; i++) last = new WebAssembly.Instance(module, imports);
  const cached = (performance.now() - t) / runs;
  const memory = last?.exports.memory as WebAssembly.Memory;
  const snapshot = new Uint8Array(memory.buffer).slice();
  t = performance.now();
  for (let i = 0; i < runs; i++) new Uint8Array(memory.buffer).set(snapshot);
  const reuse = (performance.now() - t) / runs;
  return { cold, cached, reuse };
}

const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

async function main() {
  const wasm = new Uint8Array(readFileSync(values.artifact));
  const inst = instantiateTimes(wasm);
  const { child, url } = await startChild();
  try {
    const nonceOf = async (a: Account) =>
      Number(BigInt(await rpc<Hex>(url, "eth_getTransactionCount", [a.address, "latest"])));
    // Setup (not timed): the provider stakes enough collateral and registers itself as signer.
    const setup = await signAll(provider, await nonceOf(provider), [
      { data: encodeFunctionData({ abi, functionName: "stake" }), value: parseEther("100") },
      { data: encodeFunctionData({ abi, functionName: "setSigner", args: [provider.address] }) },
    ]);
    await assertSucceeded(url, (await sendAll(url, setup)).hashes, "setup");

    const stakeRaws = await signAll(
      staker,
      await nonceOf(staker),
      Array.from({ length: JOBS }, () => ({
        data: encodeFunctionData({ abi, functionName: "stake" }),
        value: parseEther("0.1"),
      })),
    );
    const block = await rpc<{ timestamp: Hex }>(url, "eth_getBlockByNumber", ["latest", false]);
    const expiresAt = BigInt(block.timestamp) + 86_400n;
    const rate = parseGwei("1");
    const maxSeconds = 3_600n;
    // Job ids are scoped by consumer: its address, then 12 bytes of the job's own hash.
    const jobIds = Array.from({ length: JOBS }, (_, i) =>
      chainJobId(consumer.address, `bench-job-${Date.now()}-${i}`),
    );
    const fundCalls = await Promise.all(
      jobIds.map(async (jobId) => {
        const message = {
          jobId,
          consumer: consumer.address,
          provider: provider.address,
          ratePerSecond: rate,
          maxSeconds,
          expiresAt,
        };
        const signature = await provider.signTypedData(
          quoteTypedData(DEVNET_CHAIN_ID, market, message),
        );
        const { functionName, args, value } = fundJobCall({ message, signature });
        return { data: encodeFunctionData({ abi, functionName, args }), value };
      }),
    );
    const fundRaws = await signAll(consumer, await nonceOf(consumer), fundCalls);
    const providerNonce = await nonceOf(provider);
    const ackRaws = await signAll(
      provider,
      providerNonce,
      jobIds.map((jobId) => ({
        data: encodeFunctionData({ abi, functionName: "acknowledgeStart", args: [jobId] }),
      })),
    );
    const submitRaws = await signAll(
      provider,
      providerNonce + JOBS,
      jobIds.map((jobId) => ({
        data: encodeFunctionData({
          abi,
          functionName: "submitResult",
          args: [jobId, 1_800n, keccak256(jobId)],
        }),
      })),
    );
    const finalizeRaws = await signAll(
      staker,
      (await nonceOf(staker)) + JOBS,
      jobIds.map((jobId) => ({
        data: encodeFunctionData({ abi, functionName: "finalize", args: [jobId] }),
      })),
    );

    const cpuBefore = cpuSeconds(child.pid);
    const stake = await sendAll(url, stakeRaws);
    await assertSucceeded(url, stake.hashes, "stake");
    const fund = await sendAll(url, fundRaws);
    await assertSucceeded(url, fund.hashes, "fundJob");
    const ack = await sendAll(url, ackRaws);
    await assertSucceeded(url, ack.hashes, "acknowledgeStart");
    const submit = await sendAll(url, submitRaws);
    await assertSucceeded(url, submit.hashes, "submitResult");
    await rpc(url, "evm_increaseTime", [toHex(86_400)]);
    await rpc(url, "evm_mine", []);
    const finalize = await sendAll(url, finalizeRaws);
    await assertSucceeded(url, finalize.hashes, "finalize");

    const serverCpu = cpuSeconds(child.pid) - cpuBefore;
    const phases = [stake, fund, ack, submit, finalize];
    const total = phases.length * JOBS;
    const seconds = phases.reduce((s, p) => s + JOBS / p.perSecond, 0);
    console.log(
      `${total} contract transactions through JSON-RPC (${CONCURRENCY} in flight), WASM ${wasm.length} bytes`,
    );
    console.log(
      JSON.stringify({
        bench: "devnet",
        tx_per_s: round(total / seconds),
        stake_tx_per_s: round(stake.perSecond),
        fund_tx_per_s: round(fund.perSecond),
        ack_tx_per_s: round(ack.perSecond),
        submit_tx_per_s: round(submit.perSecond),
        finalize_tx_per_s: round(finalize.perSecond),
        server_cpu_ms_per_tx: round((serverCpu * 1000) / total, 2),
        load_avg_1m: round(os.loadavg()[0] ?? 0, 2),
        instantiate_ms_cold: round(inst.cold, 3),
        instantiate_ms_cached: round(inst.cached, 3),
        instance_reuse_ms: round(inst.reuse, 3),
        jobs: JOBS,
        machine: {
          cpus: os.cpus().length,
          model: os.cpus()[0]?.model ?? "unknown",
          node: process.version,
        },
      }),
    );
  } finally {
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
}

await main();
