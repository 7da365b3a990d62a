/**
 * The indexer's writes at the size of a large chunk, on PGlite and on Postgres: a statement takes
 * at most 65,535 parameters, and a chunk of 5,000 blocks may settle thousands of jobs (three
 * balance moves each), leave thousands of undo entries, or name more jobs than that.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { createTestDb } from "@/db/testing";
import type { BalanceMove, UndoEntry } from "@/lib/indexer/fold";
import { loadJobs, writeFold } from "./index-store";

let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
});

afterAll(async () => {
  await handle?.close();
});

beforeEach(async () => {
  await handle.db.execute(sql`truncate chain_balance_moves, chain_undo, chain_jobs`);
});

const hex = (n: number, bytes: number) => `0x${n.toString(16).padStart(bytes * 2, "0")}`;

async function count(table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    handle.db,
    sql`select count(*)::int as n from ${sql.raw(table)}`,
  );
  return row?.n ?? 0;
}

describe("the indexer's store, at the size of a large chunk", () => {
  it("writes 24,000 balance moves (8,000 settled jobs) and 20,000 undo entries in one chunk", async () => {
    const moves: BalanceMove[] = [];
    for (let i = 0; i < 8_000; i++) {
      for (const kind of ["pay", "fee", "refund"] as const) {
        moves.push({
          blockHash: hex(i, 32),
          logIndex: 0,
          account: hex(kind.length, 20),
          kind,
          amount: 10n ** 18n + BigInt(i),
          jobId: hex(i, 32),
          blockNumber: BigInt(i),
          blockTime: new Date(1_700_000_000_000 + i * 1000),
          txHash: hex(i, 32),
        });
      }
    }
    const undo: UndoEntry[] = Array.from({ length: 20_000 }, (_, i) => ({
      blockNumber: BigInt(i),
      tableName: "chain_accounts",
      key: hex(i, 20),
      before: null,
    }));
    await handle.db.transaction((tx) =>
      writeFold(tx, "0xmarket", 8_000n, { jobs: [], providers: [], accounts: [] }, moves, undo),
    );
    expect(await count("chain_balance_moves")).toBe(24_000);
    expect(await count("chain_undo")).toBe(20_000);
    const [sum] = await queryRows<{ total: string }>(
      handle.db,
      sql`select sum(amount)::text as total from chain_balance_moves`,
    );
    // Every amount arrived exactly (numeric(78), no float on the way).
    const expected = moves.reduce((s, m) => s + m.amount, 0n);
    expect(BigInt(sum?.total ?? "0")).toBe(expected);
  });

  it("loads the jobs a chunk names, 70,000 of them", async () => {
    const ids = Array.from({ length: 70_000 }, (_, i) => hex(i, 32));
    await handle.db.execute(sql`
      insert into chain_jobs (job_id, consumer, provider, status, rate_per_second, max_seconds,
        escrow, collateral, fee_bps, no_show_slash_bps, dispute_default_pay_bps, funded_at,
        start_deadline, deadline, challenge_window_seconds, dispute_timeout_seconds, updated_block)
      select '0x' || lpad(to_hex(g), 64, '0'), '0xc', '0xp', 'funded', 1, 1, 1, 1, 0, 0, 0, now(),
             now(), now(), 0, 0, 1
      from generate_series(0, 69999) g`);
    const jobs = await loadJobs(handle.db, ids);
    expect(jobs.size).toBe(70_000);
    expect(jobs.get(hex(69_999, 32))?.status).toBe("funded");
  });
});
