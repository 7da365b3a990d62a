import "server-only";
import { getDb } from "@/db";
import { logError } from "@/lib/log";
import { sweepExpiredQuotes } from "./lifecycle/expiry";

const SWEEP_INTERVAL_MS = 5_000;

const holder = globalThis as typeof globalThis & { __gpuMarketSweep?: NodeJS.Timeout };

/**
 * Runs inside the web server process (one process owns the embedded database): every few
 * seconds, quotes that were not funded in time expire, their GPUs return to the offer, and the
 * pending jobs of those markets are matched again.
 */
export function startBackgroundLoops(): void {
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
