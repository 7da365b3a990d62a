import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError, toFailure } from "@/lib/errors";
import type { DbHandle } from "./client";
import {
  ConstraintViolation,
  classified,
  DbFailure,
  InvalidText,
  MarketRefused,
  refusals,
  TransactionConflict,
} from "./errors";
import { CONFLICT_ATTEMPTS, conflictStats, transaction, withRetry } from "./retry";
import { createTestDb, testDriver } from "./testing";

describe(`database errors on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb({ poolSize: 8 });
    await handle.db.execute(
      sql`create table probe (id int primary key, n int not null check (n >= 0))`,
    );
    await handle.db.execute(sql`insert into probe values (1, 0), (2, 0)`);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("a constraint refusal is a ConstraintViolation naming the constraint, without the row", async () => {
    const error = await classified(() =>
      handle.db.execute(sql`update probe set n = ${-12345} where id = 1`),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConstraintViolation);
    expect((error as ConstraintViolation).constraint).toBe("probe_n_check");
    expect(String((error as Error).message)).not.toContain("12345");
    expect((error as ConstraintViolation).retryable).toBe(false);
  });

  it("market_abort with a known reason is a MarketRefused with that reason", async () => {
    const error = await classified(() =>
      handle.db.execute(sql`select market_abort(${refusals.offer_lost})`),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MarketRefused);
    expect((error as MarketRefused).reason).toBe("offer_lost");
  });

  it("a NUL the schemas missed is InvalidText; other refusals are DbFailure with the SQLSTATE only", async () => {
    const nul = await classified(() =>
      handle.db.execute(sql`select ${"secret\u0000value"}::text`),
    ).catch((e: unknown) => e);
    expect(nul).toBeInstanceOf(InvalidText);
    expect(String((nul as Error).message)).not.toContain("secret");
    const other = await classified(() => handle.db.execute(sql`select 1 / 0`)).catch(
      (e: unknown) => e,
    );
    expect(other).toBeInstanceOf(DbFailure);
    expect((other as DbFailure).sqlState).toBe("22012");
  });

  it("errors that do not come from the database pass through as they are", async () => {
    const refusal = new AppError("conflict", "no");
    await expect(
      transaction(handle.db, async () => {
        throw refusal;
      }),
    ).rejects.toBe(refusal);
  });

  it("withRetry runs work again on a conflict, at most CONFLICT_ATTEMPTS times", async () => {
    let calls = 0;
    await expect(
      withRetry(async () => {
        calls++;
        throw new TransactionConflict("deadlock detected", "40P01");
      }),
    ).rejects.toBeInstanceOf(TransactionConflict);
    expect(calls).toBe(CONFLICT_ATTEMPTS);
    calls = 0;
    expect(
      await withRetry(async () => {
        calls++;
        if (calls < 3) throw new TransactionConflict("serialization failure", "40001");
        return "done";
      }),
    ).toBe("done");
  });

  it.runIf(testDriver() === "postgres")(
    "a real deadlock between two transactions is retried and both commit",
    async () => {
      const before = conflictStats().deadlocks;
      // Each takes one row, waits until the other has taken its row, then wants the other's.
      let taken = 0;
      const bothTaken = async () => {
        taken++;
        while (taken < 2) await new Promise((r) => setTimeout(r, 5));
      };
      const crossing = (first: number, second: number) =>
        transaction(handle.db, async (tx) => {
          await tx.execute(sql`update probe set n = n + 1 where id = ${first}`);
          await bothTaken();
          await tx.execute(sql`update probe set n = n + 1 where id = ${second}`);
        });
      await Promise.all([crossing(1, 2), crossing(2, 1)]);
      expect(conflictStats().deadlocks).toBeGreaterThan(before);
      const rows = await handle.db.execute(sql`select n from probe order by id`);
      expect((rows as unknown as { rows: { n: number }[] }).rows.map((r) => r.n)).toEqual([2, 2]);
    },
  );

  it("a user told of a database failure hears what happened, never an internal error", async () => {
    const raw = await handle.db.execute(sql`select ${"a\u0000b"}::text`).catch((e: unknown) => e);
    expect(toFailure(raw)).toMatchObject({ ok: false, code: "bad_request" });
    const busy = toFailure(new TransactionConflict("deadlock detected", "40P01"));
    expect(busy).toMatchObject({ ok: false, code: "unavailable" });
    expect(busy.message).toContain("try again");
  });
});
