/**
 * A counter of writes to offers (and to providers' status) made by this process outside the
 * submit batches. The batcher keeps a short-lived copy of the order book; any such write makes
 * that copy stale, and the next batch reads the book again. Bumped before the write commits, so
 * a copy read meanwhile may still miss it: the copy's age limit bounds that, and a job that
 * finds nothing on a copy is always checked against a fresh read. Kept on globalThis so every
 * bundle of the server (route handlers, actions, instrumentation) shares one counter.
 */
const holder = globalThis as typeof globalThis & { __gpuMarketOffersGeneration?: number };

export function offersChanged(): void {
  holder.__gpuMarketOffersGeneration = (holder.__gpuMarketOffersGeneration ?? 0) + 1;
}

export function offersGeneration(): number {
  return holder.__gpuMarketOffersGeneration ?? 0;
}
