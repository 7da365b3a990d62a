import "server-only";
import type { Executor } from "@/db/client";
import { type ModelStats, marketStats } from "@/db/queries/market";
import { liveMarketSummary } from "@/db/queries/market-home";
import { type MarketTotals, marketTotals } from "../chain/totals";
import { type PriceHistory, priceHistory } from "./price-history";

export type NetworkGlance = {
  gpusOnline: number;
  gpusFree: number;
  offers: number;
  medianAskWeiPerGpuHour: bigint | null;
  /** Models with GPUs online, most memory first. */
  models: ModelStats[];
  totals: MarketTotals;
  /** The median ask per model per day over the last 7 days (hourly samples). */
  history: PriceHistory;
};

/** The home page's numbers: the live market from the offers, the history from the chain index. */
export async function networkAtAGlance(db: Executor, now = new Date()): Promise<NetworkGlance> {
  const summary = await liveMarketSummary(db);
  const models = await marketStats(db);
  const totals = await marketTotals(db);
  const history = await priceHistory(db, now);
  return { ...summary, models: models.filter((m) => m.gpusOnline > 0), totals, history };
}
