import { sql } from "drizzle-orm";
import { pgTable, serial } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "./client";
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
