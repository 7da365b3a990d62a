/**
 * The whole server process restarted while the agent runs a job: the agent API, its Postgres
 * pool and LISTEN connection, and the indexer run in a child process (lib/agent/server-process.ts)
 * that is killed with SIGKILL mid-job and started again on the same port; Postgres and the chain
 * stay. The job still reaches submitResult on chain, and the consumer reads its logs and result
 * from the restarted server over HTTP. Runs on real Postgres: DATABASE_URL with TEST_DB=postgres,
 * else a throwaway server of its own (Debian's postgresql binaries).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { keccak256 } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, openDb } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { consumerCookie } from "@/lib/services/agent/testing";
import { submitJob } from "@/lib/services/submit/submit-job";
import { parseJob } from "@/lib/services/testing";
import { findPostgresBin, startTempPostgres, type TempPostgres } from "@/scripts/lib/temp-postgres";
import { type AgentMarket, startAgentMarket } from "./market-fixture";
import { type AgentProcess, eventually } from "./testing";

const usable = testDriver() === "postgres" || findPostgresBin() !== undefined;

let handle: DbHandle;
let temp: TempPostgres | undefined;
let m: AgentMarket;
let agent: AgentProcess | undefined;

beforeAll(async () => {
  if (!usable) return;
  let url: string;
  if (testDriver() === "postgres") {
    handle = await createTestDb();
    url = await databaseUrlOf(handle);
  } else {
    temp = await startTempPostgres();
    url = temp.url;
    handle = await openDb({ driver: "postgres", url });
  }
  m = await startAgentMarket(handle, { serverProcess: { databaseUrl: url } });
});

afterAll(async () => {
  agent?.child.kill("SIGKILL");
  await agent?.exited;
  await m?.stop();
  await handle?.close();
  temp?.stop();
});

/** The database createTestDb made, by name, on DATABASE_URL's server. */
async function databaseUrlOf(db: DbHandle): Promise<string> {
  const { queryRows } = await import("@/db/client");
  const { sql } = await import("drizzle-orm");
  const [row] = await queryRows<{ name: string }>(db.db, sql`select current_database() as name`);
  const url = new URL(process.env.DATABASE_URL as string);
  url.pathname = `/${row?.name}`;
  return url.toString();
}

describe("the server process restarted mid-job", () => {
  it.skipIf(!usable)(
    "loses no job: the job runs to submitResult and the consumer reads its logs and result from the new process",
    async () => {
      agent = m.spawnAgent(["--simulate-gpus", "2", "--no-benchmark"]);
      await agent.waitFor(/waiting for leases/, 120_000);
      const consumer = m.consumer.account.address.toLowerCase();
      const { job, lease } = await submitJob(
        handle.db,
        consumer,
        parseJob({
          gpuModels: ["h100-80gb"],
          gpuCount: 1,
          maxHours: 1,
          env: [],
          command:
            'echo before; while [ ! -f "$HOME/go" ]; do sleep 0.2; done; echo after; echo kept > "$OUTPUT_DIR/result"',
        }),
      );
      if (!lease) throw new Error("not placed");
      const quote = await m.fundWhenQuoted(lease.id);
      await agent.waitFor(new RegExp(`job ${job.id}: running`), 60_000);
      const firstPid = m.server.pid;
      expect(firstPid).toBeGreaterThan(0);

      // The whole server process goes (HTTP, its pool and LISTEN connection, the indexer) while
      // the job runs; the job finishes while it is down, so its last output, its result and
      // its reports meet a closed port.
      await m.restartServer(3_000, async () => {
        writeFileSync(path.join(m.workDir, "jobs", job.id, "go"), "");
      });
      expect(m.server.pid).toBeGreaterThan(0);
      expect(m.server.pid).not.toBe(firstPid);

      const indexed = await eventually(
        () => m.chainJob(quote.message.jobId),
        (r) => r?.status === "submitted",
        120_000,
        "submitResult after the server restart",
      );
      const expected = new TextEncoder().encode("kept\n");
      expect(indexed?.result_hash).toBe(keccak256(expected));

      // The consumer, by session, from the restarted server over HTTP.
      const cookie = await consumerCookie(handle.db, m.consumer.account.address);
      const output = await eventually(
        async () => {
          const response = await fetch(`${m.server.url}/api/agent/output/${job.id}`, {
            headers: { cookie },
          });
          return (await response.json()) as {
            logs: { text: string }[];
            result: { hash: string; submitTxHash: string | null } | null;
          };
        },
        (o) => o.result?.submitTxHash != null,
        60_000,
        "submit reported to the new server",
      );
      const text = output.logs.map((l) => l.text).join("");
      expect(text).toContain("before");
      expect(text).toContain("after");
      expect(output.result?.hash).toBe(keccak256(expected));
      const download = await fetch(`${m.server.url}/api/agent/output/${job.id}/result`, {
        headers: { cookie },
      });
      expect(download.status).toBe(200);
      expect(new Uint8Array(await download.arrayBuffer())).toEqual(expected);
    },
    300_000,
  );
});
