/**
 * bench:agent: the provider agent, connected as a provider runs it (the real CLI as a child
 * process against the agent API's handlers over HTTP, the devnet, the indexer, PGlite):
 * - quote_p99_ms: from the engine's match (the lease row's creation) to the agent's signed quote
 *   stored (the lease's move to quoted), over BENCH_QUOTES placements (default 200), one at a time;
 * - rss_mb_idle: the agent's resident memory waiting for leases;
 * - rss_mb_busy: its peak while it runs the MLP example job (logs streaming) to submitResult.
 * The last line is one JSON object.
 */
import { readFileSync } from "node:fs";
import os from "node:os";
import { openDb } from "@/db/client";
import { leaseById } from "@/db/queries/leases";
import { startAgentMarket } from "@/lib/agent/market-fixture";
import { eventually } from "@/lib/agent/testing";
import { cancelJob } from "@/lib/services/lifecycle/cancel";
import { submitJob } from "@/lib/services/submit/submit-job";
import { parseJob } from "@/lib/services/testing";

const QUOTES = Number(process.env.BENCH_QUOTES ?? 200);

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

async function main() {
  const handle = await openDb({ driver: "pglite" });
  const m = await startAgentMarket(handle, { gpusOffered: 64 });
  const agent = m.spawnAgent(["--simulate-gpus", "64"]);
  try {
    await agent.waitFor(/waiting for leases/, 120_000);
    const pid = agent.child.pid as number;
    await new Promise((r) => setTimeout(r, 3_000));
    const idle: number[] = [];
    for (let i = 0; i < 10; i++) {
      idle.push(rssMb(pid));
      await new Promise((r) => setTimeout(r, 100));
    }
    const consumer = m.consumer.account.address.toLowerCase();
    const latencies: number[] = [];
    for (let i = 0; i < QUOTES; i++) {
      const { job, lease } = await submitJob(
        handle.db,
        consumer,
        parseJob({ gpuModels: ["h100-80gb"], gpuCount: 1, maxHours: 1, env: [], command: "true" }),
      );
      if (!lease) throw new Error("not placed");
      const quoted = await eventually(
        () => leaseById(handle.db, lease.id),
        (l) => l?.status === "quoted",
        30_000,
        "quoted",
      );
      if (!quoted) throw new Error("no lease");
      latencies.push(quoted.updatedAt.getTime() - quoted.createdAt.getTime());
      await cancelJob(handle.db, consumer, job.id);
    }
    // Busy: the MLP example through the whole path, sampled every 100 ms.
    const { job, lease } = await submitJob(
      handle.db,
      consumer,
      parseJob({
        gpuModels: ["h100-80gb"],
        gpuCount: 1,
        maxHours: 1,
        env: [{ name: "EPOCHS", value: "150" }],
        command: 'node "$AGENT_EXAMPLES/mlp-train.mjs"',
      }),
    );
    if (!lease) throw new Error("not placed");
    let busy = 0;
    const sampler = setInterval(() => {
      busy = Math.max(busy, rssMb(pid));
    }, 100);
    const quote = await m.fundWhenQuoted(lease.id);
    await eventually(
      () => m.chainJob(quote.message.jobId),
      (r) => r?.status === "submitted",
      300_000,
      "submitted",
    );
    clearInterval(sampler);
    const cpus = os.cpus();
    const result = {
      quote_p99_ms: Number(percentile(latencies, 99).toFixed(1)),
      quote_p50_ms: Number(percentile(latencies, 50).toFixed(1)),
      quote_p90_ms: Number(percentile(latencies, 90).toFixed(1)),
      quote_max_ms: Math.max(...latencies),
      quotes: latencies.length,
      rss_mb_idle: Number(Math.max(...idle).toFixed(1)),
      rss_mb_busy: Number(busy.toFixed(1)),
      busy_job: `examples/mlp-train.mjs, 150 epochs, job ${job.id}`,
      db: "pglite (in-process)",
      machine: {
        cpu: cpus[0]?.model.trim(),
        cores: cpus.length,
        memory_gb: Number((os.totalmem() / 2 ** 30).toFixed(1)),
        node: process.version,
        os: `${os.platform()} ${os.release()}`,
        // Other work on the machine: the latencies are only as good as the CPU left to us.
        load_average_1m: Number(os.loadavg()[0]?.toFixed(2)),
      },
    };
    console.log(JSON.stringify(result));
  } finally {
    agent.child.kill("SIGKILL");
    await agent.exited;
    await m.stop();
    await handle.close();
  }
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
