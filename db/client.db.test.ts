import { readdirSync } from "node:fs";
import { sql } from "drizzle-orm";
import { pgTable, serial } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, migrationsFolder, openDb, queryRows } from "./client";
import { siweNonces, uint256, users } from "./schema";
import { createTestDb, testDriver } from "./testing";

const amounts = pgTable("amount_roundtrip", {
  id: serial("id").primaryKey(),
  wei: uint256("wei").notNull(),
});

describe(`database on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("applies every migration to an empty database", async () => {
    const tables = await queryRows<{ table_name: string }>(
      handle.db,
      sql`select table_name from information_schema.tables where table_schema = 'public' order by 1`,
    );
    const names = tables.map((r) => r.table_name);
    expect(names).toEqual(expect.arrayContaining(["siwe_nonces", "users"]));
    // The schema is usable, not just present.
    await handle.db.insert(users).values({ address: "0x00000000000000000000000000000000000000aa" });
    await handle.db
      .insert(siweNonces)
      .values({ nonce: "abc", expiresAt: new Date(Date.now() + 1000) });
    expect(await handle.db.$count(users)).toBe(1);
  });

  it("rejects an address that is not lowercase 0x hex", async () => {
    await expect(handle.db.insert(users).values({ address: "0xNOPE" })).rejects.toThrow();
  });

  it("round-trips numeric(78,0) amounts above 2^64 as exact bigints", async () => {
    await handle.db.execute(
      sql`create temporary table amount_roundtrip (id serial primary key, wei numeric(78, 0) not null)`,
    );
    const values = [2n ** 64n + 1n, 2n ** 255n + 12345678901234567890n, 2n ** 256n - 1n, 0n];
    await handle.db.insert(amounts).values(values.map((wei) => ({ wei })));
    const rows = await handle.db.select().from(amounts).orderBy(amounts.id);
    expect(rows.map((r) => r.wei)).toEqual(values);
    expect(typeof rows[0]?.wei).toBe("bigint");
    const [sum] = await queryRows<{ total: string }>(
      handle.db,
      sql`select sum(wei)::text as total from amount_roundtrip where wei < ${(2n ** 256n - 1n).toString()}`,
    );
    expect(sum?.total).toBe((2n ** 64n + 1n + 2n ** 255n + 12345678901234567890n).toString());
  });
});

describe.skipIf(testDriver() !== "postgres")("servers starting together on a new database", () => {
  it("migrate one after another: every opener succeeds and the migrations run once", async () => {
    const serverUrl = process.env.DATABASE_URL as string;
    const name = `test_race_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    try {
      const opened = await Promise.allSettled(
        [1, 2, 3, 4].map(() => openDb({ driver: "postgres", url: url.toString(), poolSize: 2 })),
      );
      const failures = opened.filter((o) => o.status === "rejected");
      expect(failures.map((f) => String((f as PromiseRejectedResult).reason))).toEqual([]);
      const handles = opened.map((o) => (o as PromiseFulfilledResult<DbHandle>).value);
      const [applied] = await queryRows<{ n: number }>(
        handles[0]?.db as DbHandle["db"],
        sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
      );
      expect(applied?.n).toBe(
        readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql")).length,
      );
      await Promise.all(handles.map((h) => h.close()));
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
