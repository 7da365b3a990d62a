import { randomBytes } from "node:crypto";
import pg from "pg";
import { type DbHandle, openDb } from "./client";

/** Which database the `db` test tier runs against: PGlite in memory, or the Postgres in DATABASE_URL. */
export function testDriver(): "pglite" | "postgres" {
  return process.env.TEST_DB === "postgres" ? "postgres" : "pglite";
}

/**
 * A fresh, migrated database for one test file: an in-memory PGlite, or a new database created on
 * the Postgres server in DATABASE_URL and dropped again by close().
 */
export async function createTestDb(options: { poolSize?: number } = {}): Promise<DbHandle> {
  if (testDriver() === "pglite") return openDb({ driver: "pglite" });
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl)
    throw new Error("TEST_DB=postgres needs DATABASE_URL pointing at a Postgres server");
  const name = `test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  const handle = await openDb({
    driver: "postgres",
    url: url.toString(),
    poolSize: options.poolSize,
  });
  return {
    ...handle,
    close: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
