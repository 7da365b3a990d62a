/**
 * The real indexer process (`scripts/indexer.ts`) killed with SIGKILL at random points while a
 * load of contract transactions runs, restarted each time; at the end the index equals the
 * chain's logs and views: no event lost, none stored or folded twice. With Postgres, two indexer
 * processes on one database: only the one holding the advisory lock indexes, and the other takes
 * over when it is killed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDriver } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { differencesFromChain } from "./testing/compare";
import { contractLoad, type Load, random } from "./testing/load";
import {
  type ChildDatabase,
  childDatabase,
  type IndexerProcess,
  spawnIndexer,
} from "./testing/processes";

const KILLS = 30;
/** Printed, so a failing schedule can be tried again (timing still varies from run to run). */
const SEED = Number(process.env.INDEXER_KILL_SEED ?? Math.floor(Math.random() * 1e9));

const OPEN = /indexer: trace: transaction open for blocks (\d+)\.\.(\d+)/;
const INDEXING = /indexer: indexing ComputeMarket/;

let devnet: Devnet;
let load: Load;
const databases: ChildDatabase[] = [];
const running = new Set<IndexerProcess>();

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  load = await contractLoad(
    {
      url: devnet.url,
      chainId: devnet.chainId,
      contract: devnet.contractAddress,
      keys: devnet.accounts.map((a) => a.privateKey),
    },
    SEED,
  );
});

afterAll(async () => {
  for (const p of running) await p.kill9();
  for (const d of databases) await d.drop();
  await devnet?.stop();
});

function indexerEnv(db: ChildDatabase): Record<string, string> {
  return {
    ...db.env,
    NEXT_PUBLIC_CHAIN: "devnet",
    NEXT_PUBLIC_RPC_URL: devnet.url,
    // Small chunks and a short poll: many transactions, so kills often land inside one.
    INDEXER_CHUNK_BLOCKS: "3",
    INDEXER_POLL_MS: "50",
    // Blocks inside the depth are remembered with undo entries and pruned later: more writes
    // per transaction, all of which must survive a kill together.
    INDEXER_CONFIRMATIONS: "4",
    INDEXER_TRACE: "1",
  };
}

function start(db: ChildDatabase, env: Record<string, string> = {}): IndexerProcess {
  const p = spawnIndexer({ ...indexerEnv(db), ...env });
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

/**
 * Runs the load in the background until stopped, a flow (a few transactions) every 500 ms or so:
 * the chain grows while the indexer restarts, yet slower than the indexer reads it (unthrottled,
 * the devnet takes about 20 transactions a second here, as fast as 3-block chunks are indexed).
 * Resolves with the transactions it sent.
 */
function backgroundLoad() {
  let stop = false;
  const done = (async () => {
    let sent = 0;
    while (!stop) {
      sent += await load.run(1, () => stop);
      await sleep(500);
    }
    return sent;
  })();
  return {
    async stop() {
      stop = true;
      return done;
    },
  };
}

async function chainHead(): Promise<bigint> {
  const res = await fetch(devnet.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_blockNumber", params: [] }),
  });
  return BigInt(((await res.json()) as { result: string }).result);
}

/** Lets `p` reach the (still) head, stops it gracefully and compares the index with the chain. */
async function finishAndCompare(p: IndexerProcess, db: ChildDatabase) {
  const head = await chainHead();
  await p.waitFor(new RegExp(`indexer: trace: at block ${head} of ${head} \\(caught up\\)`), {
    timeoutMs: 120_000,
  });
  await p.stop();
  const handle = await db.open();
  try {
    return await differencesFromChain(
      handle.db,
      { url: devnet.url, contract: devnet.contractAddress },
      load.addresses,
    );
  } finally {
    await handle.close();
  }
}

type Kill = { run: number; how: string; lines: string[] };

/** Where each kill landed, from what the killed process printed last. */
function whereKillsLanded(kills: Kill[]) {
  const opens = kills.map((k) => k.lines.filter((l) => OPEN.test(l)));
  let inTransaction = 0;
  let rolledBack = 0;
  let committed = 0;
  let beforeIndexing = 0;
  let betweenSteps = 0;
  kills.forEach((k, i) => {
    const last = [...k.lines].reverse().find((l) => OPEN.test(l) || /trace: at block/.test(l));
    if (!k.lines.some((l) => INDEXING.test(l))) beforeIndexing++;
    else if (!last || !OPEN.test(last)) betweenSteps++;
    else {
      inTransaction++;
      // The next transaction any later run opened starts after this one's blocks iff it had
      // committed before the kill (or in the moment after it, before the report).
      const [, from, to] = last.match(OPEN) as RegExpMatchArray;
      if (BigInt(from as string) > BigInt(to as string)) return;
      const next = opens.slice(i + 1).find((o) => o.length > 0)?.[0];
      if (!next) return;
      const nextFrom = BigInt((next.match(OPEN) as RegExpMatchArray)[1] as string);
      if (nextFrom > BigInt(to as string)) committed++;
      else rolledBack++;
    }
  });
  return { inTransaction, rolledBack, committed, beforeIndexing, betweenSteps };
}

describe("the indexer process killed with SIGKILL", () => {
  it(`loses no event and applies none twice across ${KILLS} kills at random points`, async () => {
    const rnd = random(SEED);
    const started = performance.now();
    const db = await childDatabase();
    databases.push(db);
    // A backlog first, so the first runs have chunks to index right away.
    await load.run(8);
    const background = backgroundLoad();
    const kills: Kill[] = [];
    let final: IndexerProcess | undefined;
    try {
      for (let run = 0; run < KILLS; run++) {
        const p = start(db);
        let how: string;
        if (rnd() < 0.35) {
          // Any moment from the start: loading modules, opening the database (recovering it after
          // the last kill), migrating, taking the lock, checking the chain, or indexing.
          const ms = Math.floor(rnd() * 6_000);
          how = `${ms} ms after spawn`;
          await sleep(ms);
        } else {
          // Inside or soon after the nth chunk's transaction.
          const nth = 1 + Math.floor(rnd() * 3);
          const ms = Math.floor(rnd() * 60);
          how = `${ms} ms after transaction ${nth} opened`;
          await p.waitFor(OPEN, { nth, timeoutMs: 60_000 });
          await sleep(ms);
        }
        await p.kill9();
        const exit = await p.exited;
        // It was killed, not ended by itself (a crash would have been a finding).
        expect(exit.signal, p.lines.join("\n")).toBe("SIGKILL");
        kills.push({ run, how, lines: [...p.lines] });
        if (process.env.INDEXER_KILL_VERBOSE) {
          console.info(`run ${run}: killed ${how}; last line: ${p.lines.at(-1) ?? "(none)"}`);
        }
      }
      const sent = await background.stop();
      // The last run is not killed: larger chunks only shorten its catch-up.
      final = start(db, { INDEXER_CHUNK_BLOCKS: "500" });
      const differences = await finishAndCompare(final, db);
      const landed = whereKillsLanded(kills);
      const complaints = [...kills.flatMap((k) => k.lines), ...final.lines].filter((l) =>
        /retrying in|not started|rror/.test(l),
      );
      console.info(
        `kill test (seed ${SEED}, ${db.driver}): ${kills.length} kills, ${sent} transactions in the load; ` +
          `${landed.inTransaction} kills inside an open chunk transaction (${landed.rolledBack} rolled back, ` +
          `${landed.committed} committed just before), ${landed.betweenSteps} between steps, ` +
          `${landed.beforeIndexing} before indexing began; ${complaints.length} failure lines; ` +
          `${((performance.now() - started) / 1000).toFixed(0)} s` +
          (complaints.length ? `:\n${complaints.slice(0, 10).join("\n")}` : ""),
      );
      expect(differences).toEqual([]);
      // The test proves something only if kills landed mid-transaction.
      expect(landed.inTransaction).toBeGreaterThanOrEqual(3);
      expect(landed.rolledBack).toBeGreaterThanOrEqual(1);
      expect(complaints.filter((l) => /not started/.test(l))).toEqual([]);
    } finally {
      await background.stop();
      if (final) await final.kill9();
    }
  }, 600_000);

  it.skipIf(testDriver() === "pglite")(
    "with two processes on one Postgres, one indexes and the other takes over when it dies (Postgres only: PGlite is one process's database)",
    async () => {
      const db = await childDatabase();
      databases.push(db);
      await load.run(4);
      const background = backgroundLoad();
      const a = start(db);
      const b = start(db);
      try {
        const holder = await Promise.race([
          a.waitFor(INDEXING).then(() => a),
          b.waitFor(INDEXING).then(() => b),
        ]);
        const other = holder === a ? b : a;
        await holder.waitFor(OPEN, { nth: 3 });
        // The other process tries the lock every 2 s: give it two tries while the holder works.
        await sleep(4_500);
        expect(other.lines.filter((l) => INDEXING.test(l))).toEqual([]);
        expect(other.lines.filter((l) => OPEN.test(l))).toEqual([]);
        expect(holder.lines.filter((l) => OPEN.test(l)).length).toBeGreaterThan(3);

        await holder.kill9();
        await other.waitFor(INDEXING, { timeoutMs: 30_000 });
        await other.waitFor(OPEN, { timeoutMs: 30_000 });
        await background.stop();
        expect(await finishAndCompare(other, db)).toEqual([]);
        // The killed holder printed nothing after it was killed, so it indexed nothing since.
        expect(holder.lines.filter((l) => INDEXING.test(l))).toHaveLength(1);
      } finally {
        await background.stop();
        await a.kill9();
        await b.kill9();
      }
    },
    300_000,
  );
});
