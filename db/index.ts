import "server-only";
import { env } from "@/lib/env";
import { type Db, type DbHandle, openDb } from "./client";

export type { Db, Executor, Tx } from "./client";

// One handle per server process, kept on globalThis so hot reloads and route bundles share it:
// the PGlite data folder must never be opened twice.
const holder = globalThis as typeof globalThis & { __gpuMarketDb?: Promise<DbHandle> };

/** The app's database, migrated on first use. */
export async function getDb(): Promise<Db> {
  holder.__gpuMarketDb ??= (() => {
    const e = env();
    return e.DATABASE_URL
      ? openDb({ driver: "postgres", url: e.DATABASE_URL })
      : openDb({ driver: "pglite", dataDir: e.PGLITE_DATA_DIR });
  })();
  try {
    return (await holder.__gpuMarketDb).db;
  } catch (error) {
    holder.__gpuMarketDb = undefined;
    throw error;
  }
}
