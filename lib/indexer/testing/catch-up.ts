import type { Indexer } from "../indexer";

/** Ticks the indexer until it has reached the chain's head (tests); fails after `maxTicks`. */
export async function indexUntilCaughtUp(indexer: Indexer, maxTicks = 10_000): Promise<void> {
  for (let i = 0; i < maxTicks; i++) if ((await indexer.tick()).caughtUp) return;
  throw new Error("the indexer never caught up");
}
