import { mkdirSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import type { ExtractTablesWithRelations, SQL } from "drizzle-orm";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from "drizzle-orm/pg-core";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import pg from "pg";
import { logWarning } from "../lib/log";
import * as schema from "./schema";

export type Schema = typeof schema;
/** A database or a transaction: every query function takes one of these. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Executor = Db | Tx;

export type DbHandle = {
  db: Db;
  driver: "pglite" | "postgres";
  close: () => Promise<void>;
};

export const migrationsFolder = path.join(process.cwd(), "db", "migrations");

export type DbOptions =
  | { driver: "postgres"; url: string; poolSize?: number }
  | { driver: "pglite"; dataDir?: string };

/** Opens a database and applies every committed migration that it has not seen yet. */
export async function openDb(options: DbOptions): Promise<DbHandle> {
  if (options.driver === "postgres") {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server closes (restart, failover, DROP DATABASE ... FORCE) is
    // reported here; without a listener it would crash the process. The pool replaces it.
    pool.on("error", (error) => logWarning("postgres: idle connection closed", error));
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    // Servers starting together on one database migrate one after another: each holds an
    // advisory lock on a connection of its own while it migrates (closing it frees the lock).
    const lock = new pg.Client({ connectionString: options.url });
    try {
      await lock.connect();
      await lock.query("select pg_advisory_lock(hashtext('gpu-market:migrations'))");
      await migratePg(db as never, { migrationsFolder });
    } catch (error) {
      await pool.end();
      throw error;
    } finally {
      await lock.end().catch(() => undefined);
    }
    return { db, driver: "postgres", close: () => pool.end() };
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = new PGlite(options.dataDir);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  try {
    await migratePglite(db as never, { migrationsFolder });
  } catch (error) {
    await client.close();
    throw error;
  }
  return { db, driver: "pglite", close: () => client.close() };
}

/** Raw SQL rows, typed by the caller: node-postgres and PGlite both answer with `{ rows }`. */
export async function queryRows<T>(executor: Executor, query: SQL): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
