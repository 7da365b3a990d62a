/**
 * Counters of writes to offers (and to providers' status) made by this process outside the
 * submit batches: one for all markets, one per market. The batcher keeps a short-lived copy of
 * the order book; any such write makes the copy of the markets it touched stale, and the next
 * batch reads them again. Bumped before the write commits, so a copy read meanwhile may still
 * miss it: the copy's age limit bounds that, and a job that finds nothing on a copy is always
 * checked against a fresh read. Kept on globalThis so every bundle of the server (route
 * handlers, actions, instrumentation) shares them.
 */
const holder = globalThis as typeof globalThis & {
  __gpuMarketOffersGeneration?: { all: number; markets: Map<string, number> };
};

function counters() {
  holder.__gpuMarketOffersGeneration ??= { all: 0, markets: new Map() };
  return holder.__gpuMarketOffersGeneration;
}

/** A write to offers: of the given markets only, or (without them) of any market. */
export function offersChanged(markets?: readonly string[]): void {
  const c = counters();
  if (!markets) {
    c.all++;
    return;
  }
  for (const market of markets) c.markets.set(market, (c.markets.get(market) ?? 0) + 1);
}

/** A number that changes whenever a write may have changed this market's offers. */
export function offersGeneration(market: string): number {
  const c = counters();
  return c.all + (c.markets.get(market) ?? 0);
}
