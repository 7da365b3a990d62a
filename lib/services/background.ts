import "server-only";
import { getDb } from "@/db";
import { env } from "@/lib/env";
import { startIndexerFromEnv } from "@/lib/indexer/run";
import { startKeeperFromEnv } from "@/lib/keeper/run";
import { logError } from "@/lib/log";
import { startAgentSweep } from "./agent/config";
import { startPriceSampler } from "./browse/price-history";
import { sweepExpiredQuotes } from "./lifecycle/expiry";

const SWEEP_INTERVAL_MS = 5_000;

const holder = globalThis as typeof globalThis & {
  __gpuMarketSweep?: NodeJS.Timeout;
  __gpuMarketIndexer?: boolean;
  __gpuMarketKeeper?: boolean;
};

/**
 * Runs inside the web server process (one process owns the embedded database): the chain
 * indexer (lib/indexer, unless INDEXER=off), the keeper (lib/keeper, unless KEEPER=off or no key
 * is configured for the chain), the agents' heartbeat sweep (providers whose agent missed three
 * heartbeats go offline), the hourly sample of median asks (the home page's price history), and
 * every few seconds, quotes that were not funded in time expire, their GPUs return to the offer,
 * and the pending jobs of those markets are matched again.
 */
export function startBackgroundLoops(): void {
  if (!holder.__gpuMarketIndexer && env().INDEXER === "on") {
    holder.__gpuMarketIndexer = true;
    getDb().then(
      (db) => startIndexerFromEnv(db),
      (error) => logError("indexer: no database", error),
    );
  }
  if (!holder.__gpuMarketKeeper) {
    // Beside the indexer, whose chain_jobs say which calls are due; it logs why when it is off.
    holder.__gpuMarketKeeper = true;
    getDb().then(
      (db) => startKeeperFromEnv(db),
      (error) => logError("keeper: no database", error),
    );
  }
  // Providers whose agent went silent go offline, also when no agent has called since a restart.
  startAgentSweep();
  // The home page's price chart: the median ask per model, sampled hourly.
  startPriceSampler();
  if (holder.__gpuMarketSweep) return;
  let running = false;
  holder.__gpuMarketSweep = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      const { expired, placed } = await sweepExpiredQuotes(await getDb());
      if (expired > 0) console.info(`quotes: ${expired} expired, ${placed} pending jobs placed`);
    } catch (error) {
      logError("quote expiry sweep failed", error);
    } finally {
      running = false;
    }
  }, SWEEP_INTERVAL_MS);
  holder.__gpuMarketSweep.unref();
}
