import "server-only";
import pg from "pg";

/**
 * A lock one process holds while it does work only one process may do (the chain indexer). On
 * Postgres it is a session advisory lock on a connection of its own: when the holder dies, the
 * server closes that connection and frees the lock, and another process's next `acquire` takes
 * it. With PGlite one process owns the database, so the lock is that process's.
 */
export type ProcessLock = {
  /** Takes the lock when free; false when another process holds it. */
  acquire(): Promise<boolean>;
  /** The lock was held and its connection is gone: stop the work, then acquire again. */
  lost(): boolean;
  release(): Promise<void>;
};

const inProcess = new Set<string>();

export function processLock(name: string, databaseUrl: string | undefined): ProcessLock {
  if (!databaseUrl) {
    let held = false;
    return {
      async acquire() {
        if (held) return true;
        if (inProcess.has(name)) return false;
        inProcess.add(name);
        held = true;
        return true;
      },
      lost: () => false,
      async release() {
        if (held) inProcess.delete(name);
        held = false;
      },
    };
  }
  let client: pg.Client | null = null;
  let lost = false;
  return {
    async acquire() {
      if (client && !lost) return true;
      lost = false;
      const c = new pg.Client({ connectionString: databaseUrl });
      c.on("error", () => {
        lost = true;
      });
      c.on("end", () => {
        lost = true;
      });
      try {
        await c.connect();
        const { rows } = await c.query<{ ok: boolean }>(
          "select pg_try_advisory_lock(hashtext($1)) as ok",
          [name],
        );
        if (rows[0]?.ok) {
          client = c;
          return true;
        }
      } catch {
        // The server is unreachable: not held; the caller tries again later.
      }
      await c.end().catch(() => undefined);
      return false;
    },
    lost: () => client !== null && lost,
    async release() {
      const c = client;
      client = null;
      lost = false;
      await c?.end().catch(() => undefined);
    },
  };
}
