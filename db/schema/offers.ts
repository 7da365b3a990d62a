import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { uint256 } from "./columns";
import { gpuModels } from "./gpu-catalog";
import { providers } from "./providers";

export const offerStatuses = ["active", "paused", "removed"] as const;
export type OfferStatus = (typeof offerStatuses)[number];

/**
 * GPUs a provider lists at an ask per GPU-hour. `market` = "<gpu model>/<region>" is the
 * distribution key on Citus: the primary key includes it and model and region never change,
 * so an offer lives on one shard for life. The CHECK on gpus_free is the last line of defence
 * against over-allocation: the database refuses it even if a service is wrong.
 */
export const offers = pgTable(
  "offers",
  {
    id: uuid("id").notNull().defaultRandom(),
    market: text("market").notNull(),
    providerId: uuid("provider_id")
      .notNull()
      .references(() => providers.id),
    gpuModel: text("gpu_model")
      .notNull()
      .references(() => gpuModels.id),
    region: text("region").notNull(),
    gpusTotal: integer("gpus_total").notNull(),
    gpusFree: integer("gpus_free").notNull(),
    askWeiPerGpuHour: uint256("ask_wei_per_gpu_hour").notNull(),
    minHours: integer("min_hours").notNull().default(1),
    maxHours: integer("max_hours").notNull(),
    /** Set when the agent has benchmarked the machine; the catalog figure is used otherwise. */
    measuredTflops: real("measured_tflops"),
    status: text("status").$type<OfferStatus>().notNull().default("active"),
    /**
     * Whether the offer's provider is online: kept by triggers (migration 0009) from
     * providers.status, so a placement checks it on the offer row it locks.
     */
    providerOnline: boolean("provider_online").notNull().default(true),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "offers_pkey", columns: [t.market, t.id] }),
    check("offers_gpus_free_range", sql`${t.gpusFree} between 0 and ${t.gpusTotal}`),
    check("offers_gpus_total_positive", sql`${t.gpusTotal} > 0`),
    check("offers_ask_positive", sql`${t.askWeiPerGpuHour} > 0`),
    check("offers_hours", sql`${t.minHours} >= 1 and ${t.minHours} <= ${t.maxHours}`),
    check("offers_status", sql`${t.status} in ('active', 'paused', 'removed')`),
    check("offers_market", sql`${t.market} = ${t.gpuModel} || '/' || ${t.region}`),
    // Only offers that can still take a job: a market's sold-out offers never sit in front of
    // the ones the matching reads (they would be walked past on every read).
    index("offers_match_idx")
      .on(t.market, t.askWeiPerGpuHour, t.createdAt)
      .where(sql`${t.status} = 'active' and ${t.gpusFree} > 0`),
    index("offers_id_idx").on(t.id),
    index("offers_provider_idx").on(t.providerId),
  ],
);

/**
 * A counter per market, bumped whenever the market may have gained capacity (triggers on offers
 * and providers, migration 0006): an offer listed, GPUs freed, an offer resumed, made cheaper or
 * open to more hours, a provider's status changed. Taking GPUs does not bump it. A batch of
 * submits that queues a job as pending checks, in the same statement, that no market the job
 * accepts moved since the book it was planned on was read. Distributed by market on Citus.
 */
export const marketVersions = pgTable("market_versions", {
  market: text("market").primaryKey(),
  version: bigint("version", { mode: "number" }).notNull().default(0),
});
