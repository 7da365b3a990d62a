import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { uint256 } from "./columns";
import { offers } from "./offers";

export const leaseStatuses = [
  "reserved",
  "quoted",
  "funded",
  "running",
  "released",
  "cancelled",
  "expired",
] as const;
export type LeaseStatus = (typeof leaseStatuses)[number];

/** Lease states that hold GPUs on their offer. */
export const holdingLeaseStatuses = ["reserved", "quoted", "funded", "running"] as const;

/**
 * GPUs of one offer reserved for one job at the offer's ask (pay-as-ask). Lives with its offer:
 * distributed by `market` on Citus, so the reservation and the offer update stay on one shard.
 */
export const leases = pgTable(
  "leases",
  {
    id: uuid("id").notNull().defaultRandom(),
    market: text("market").notNull(),
    /**
     * No foreign key: jobs are distributed by consumer and leases by market on Citus, which
     * cannot enforce a key across the two; the lease is only ever written with its job.
     */
    jobId: uuid("job_id").notNull(),
    offerId: uuid("offer_id").notNull(),
    providerId: uuid("provider_id").notNull(),
    consumer: text("consumer").notNull(),
    gpuCount: integer("gpu_count").notNull(),
    pricePerGpuHour: uint256("price_per_gpu_hour").notNull(),
    /** What the contract escrows per second: ceil(price * gpus / 3600). */
    ratePerSecond: uint256("rate_per_second").notNull(),
    maxSeconds: bigint("max_seconds", { mode: "number" }).notNull(),
    /** bytes32 job id on chain: the consumer address, then 12 bytes of keccak256(job uuid). */
    chainJobId: text("chain_job_id").notNull(),
    quoteSigner: text("quote_signer"),
    quoteSignature: text("quote_signature"),
    quoteExpiresAt: timestamp("quote_expires_at", { withTimezone: true }).notNull(),
    fundTxHash: text("fund_tx_hash"),
    resultTxHash: text("result_tx_hash"),
    status: text("status").$type<LeaseStatus>().notNull().default("reserved"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "leases_pkey", columns: [t.market, t.id] }),
    foreignKey({
      name: "leases_offer_fk",
      columns: [t.market, t.offerId],
      foreignColumns: [offers.market, offers.id],
    }),
    check("leases_gpu_count_positive", sql`${t.gpuCount} > 0`),
    check(
      "leases_status",
      sql.raw(
        "status in ('reserved', 'quoted', 'funded', 'running', 'released', 'cancelled', 'expired')",
      ),
    ),
    index("leases_job_idx").on(t.jobId),
    index("leases_offer_idx").on(t.market, t.offerId),
    index("leases_expiry_idx")
      .on(t.quoteExpiresAt)
      .where(sql`${t.status} in ('reserved', 'quoted')`),
    // The chain indexer finds a funded job's leases by the id the contract knows.
    index("leases_chain_job_idx").on(t.chainJobId),
    // A provider's free stake less the collateral its unfunded leases will lock, read with every
    // placement (providerStakeSql): an index-only scan of those leases alone.
    index("leases_unfunded_provider_idx")
      .on(t.providerId, t.ratePerSecond, t.maxSeconds)
      .where(sql`${t.status} in ('reserved', 'quoted')`),
  ],
);

export const alternativeReasons = [
  "price",
  "reliability",
  "age",
  "capacity",
  "offline",
  "busy",
  // The provider's stake: its free stake short of the job's collateral, or its stake below the
  // market's minimum (lib/matching/alternatives.ts).
  "stake",
  "minStake",
] as const;
export type AlternativeReason = (typeof alternativeReasons)[number];

/**
 * For each placement, the other offers that were feasible or nearly so and why they lost, so a
 * provider can see the matches it missed. Co-located with the lease (same market). An
 * append-only log read by provider (its one index): no foreign key to the lease and no primary
 * key, since the rows are only ever written by the statement that writes their lease (so they
 * cannot dangle or repeat), and at up to eight per placement each extra index entry or key
 * check was a noticeable share of the cost of a match.
 */
export const leaseAlternatives = pgTable(
  "lease_alternatives",
  {
    market: text("market").notNull(),
    leaseId: uuid("lease_id").notNull(),
    offerId: uuid("offer_id").notNull(),
    providerId: uuid("provider_id").notNull(),
    askWeiPerGpuHour: uint256("ask_wei_per_gpu_hour").notNull(),
    reason: text("reason").$type<AlternativeReason>().notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("lease_alternatives_provider_idx").on(t.providerId, t.createdAt)],
);
