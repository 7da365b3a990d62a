/**
 * The real indexer (`scripts/indexer.ts`) as a child process, and a database of its own for it to
 * index into, for tests that kill it. Test-only.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { type DbHandle, openDb } from "@/db/client";
import { testDriver } from "@/db/testing";

/** Where a child indexes: a Postgres database of its own, or a PGlite data folder. */
export type ChildDatabase = {
  driver: "pglite" | "postgres";
  /** The environment that points `scripts/indexer.ts` at it. */
  env: Record<string, string>;
  /** Opens it here (PGlite: only while no child has it open). */
  open(): Promise<DbHandle>;
  drop(): Promise<void>;
};

/** A fresh database for the current test driver (TEST_DB), migrated. */
export async function childDatabase(): Promise<ChildDatabase> {
  if (testDriver() === "pglite") {
    const dir = mkdtempSync(path.join(os.tmpdir(), "indexer-pglite-"));
    return {
      driver: "pglite",
      env: { PGLITE_DATA_DIR: dir },
      open: () => openDb({ driver: "pglite", dataDir: dir }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) throw new Error("TEST_DB=postgres needs DATABASE_URL");
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
  const open = () => openDb({ driver: "postgres", url: url.toString(), poolSize: 2 });
  // Migrated once here: two children starting together would race to create the tables.
  await (await open()).close();
  return {
    driver: "postgres",
    env: { DATABASE_URL: url.toString() },
    open,
    drop: async () => {
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

export type IndexerProcess = {
  pid: number;
  /** Every line it printed so far (stdout and stderr), in order. */
  lines: string[];
  /** Resolves with the `nth` line (already printed or to come) matching `pattern`. */
  waitFor(pattern: RegExp, options?: { timeoutMs?: number; nth?: number }): Promise<string>;
  /** Resolves once the process and its children are gone, with what ended them. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL to the whole process group: tsx and the node process it runs die at once. */
  kill9(): Promise<void>;
  /** SIGTERM: the indexer finishes its step and exits. */
  stop(): Promise<void>;
};

const repoRoot = process.cwd();

/**
 * Starts `tsx --conditions=react-server scripts/indexer.ts` with `env` on top of a clean
 * environment. tsx runs the script in a child node process, so the child is started as the leader
 * of its own process group and killed as a group: a SIGKILL to tsx alone would leave the indexer
 * running as an orphan.
 */
export function spawnIndexer(env: Record<string, string>): IndexerProcess {
  const base = { ...process.env };
  for (const k of Object.keys(base)) {
    if (k.startsWith("INDEXER") || k === "DATABASE_URL" || k === "PGLITE_DATA_DIR") delete base[k];
    if (k.startsWith("NEXT_PUBLIC_") || k === "TEST_DB" || k.startsWith("VITEST")) delete base[k];
  }
  const child: ChildProcess = spawn(
    path.join(repoRoot, "node_modules/.bin/tsx"),
    ["--conditions=react-server", "scripts/indexer.ts"],
    {
      cwd: repoRoot,
      env: { ...base, NODE_ENV: "test", ...env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; left: number; resolve: (line: string) => void }[] = [];
  const onLine = (line: string) => {
    lines.push(line);
    for (const w of [...waiters]) {
      if (w.pattern.test(line) && --w.left === 0) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(line);
      }
    }
  };
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.on("data", (chunk: Buffer) => {
      const parts = (rest + chunk.toString()).split("\n");
      rest = parts.pop() ?? "";
      for (const p of parts) onLine(p);
    });
    stream?.on("end", () => {
      if (rest) onLine(rest);
      rest = "";
    });
  }
  // "close": the process exited and its output streams are drained (every line is in `lines`).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("close", (code, signal) => resolve({ code, signal })),
  );
  const pid = child.pid as number;
  const group = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // Gone already.
    }
  };
  return {
    pid,
    lines,
    waitFor(pattern, { timeoutMs = 60_000, nth = 1 } = {}) {
      const seen = lines.filter((l) => pattern.test(l));
      if (seen.length >= nth) return Promise.resolve(seen[nth - 1] as string);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(waiter), 1);
          reject(
            new Error(
              `no line matching ${pattern} within ${timeoutMs} ms; the indexer printed:\n${lines.slice(-30).join("\n")}`,
            ),
          );
        }, timeoutMs);
        const waiter = {
          pattern,
          left: nth - seen.length,
          resolve: (line: string) => {
            clearTimeout(timer);
            resolve(line);
          },
        };
        waiters.push(waiter);
        void exited.then(() => {
          if (!waiters.includes(waiter)) return;
          waiters.splice(waiters.indexOf(waiter), 1);
          clearTimeout(timer);
          reject(
            new Error(
              `the indexer exited before printing a line matching ${pattern}:\n${lines.slice(-30).join("\n")}`,
            ),
          );
        });
      });
    },
    exited,
    async kill9() {
      group("SIGKILL");
      await exited;
    },
    async stop() {
      group("SIGTERM");
      await exited;
    },
  };
}
