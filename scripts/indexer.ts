/**
 * `npm run indexer`: the chain indexer as its own process, against the database the app uses
 * (DATABASE_URL, or PGlite in PGLITE_DATA_DIR when no app server has it open). Run the app with
 * INDEXER=off, or leave it on: with Postgres only one process indexes at a time (an advisory
 * lock), and the other takes over when it stops. Ctrl-C finishes the current step and exits.
 *
 * INDEXER_TRACE=1 also prints a line when each chunk's transaction opens and after each step
 * (the kill test reads them to tell where each kill landed).
 */
import { openDb } from "../db/client";
import { env } from "../lib/env";
import { startIndexerFromEnv } from "../lib/indexer/run";

async function main() {
  const e = env();
  const handle = e.DATABASE_URL
    ? await openDb({ driver: "postgres", url: e.DATABASE_URL, poolSize: 4 })
    : await openDb({ driver: "pglite", dataDir: e.PGLITE_DATA_DIR });
  // A test switch, read here rather than in lib/env.ts: it changes nothing but the output.
  const trace = process.env.INDEXER_TRACE === "1";
  const indexer = startIndexerFromEnv(
    handle.db,
    e,
    trace
      ? {
          hooks: {
            onTransaction: ({ from, to }) =>
              console.info(`indexer: trace: transaction open for blocks ${from}..${to}`),
          },
          onTick: (r) =>
            console.info(
              `indexer: trace: at block ${r.cursor} of ${r.head}${r.caughtUp ? " (caught up)" : ""}`,
            ),
        }
      : {},
  );
  if (!indexer) {
    await handle.close();
    process.exit(1);
  }
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    console.info("indexer: stopping");
    await indexer.stop();
    await handle.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  const reason = await indexer.ended;
  if (reason !== null && !stopping) {
    await handle.close();
    process.exit(1);
  }
}

main().catch((error) => {
  console.error(`indexer: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
