import { index, integer, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import { uint256 } from "./columns";
import { gpuModels } from "./gpu-catalog";

/**
 * The market's price history: once an hour, per GPU model with live offers, the lower median
 * ask of those offers. Nothing else keeps past asks (offers are updated in place), so the home
 * page's 7-day chart reads these samples. The first sample of an hour wins: several processes
 * sampling the same hour write one row.
 */
export const marketPriceSamples = pgTable(
  "market_price_samples",
  {
    gpuModel: text("gpu_model")
      .notNull()
      .references(() => gpuModels.id),
    /** The hour sampled, truncated (UTC). */
    hour: timestamp("hour", { withTimezone: true }).notNull(),
    medianAskWeiPerGpuHour: uint256("median_ask_wei_per_gpu_hour").notNull(),
    /** Live offers the median was taken over. */
    offers: integer("offers").notNull(),
  },
  (t) => [
    primaryKey({ name: "market_price_samples_pkey", columns: [t.gpuModel, t.hour] }),
    index("market_price_samples_hour_idx").on(t.hour),
  ],
);
