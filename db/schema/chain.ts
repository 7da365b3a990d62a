import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import { uint256 } from "./columns";

/**
 * The chain indexer's copy of ComputeMarket (lib/indexer): every event as it was logged, and
 * the state those events add up to. Written only by the indexer, in the same transaction as its
 * cursor; addresses and hashes are lowercase 0x hex.
 */

/** How far the indexer got, per indexed contract. */
export const chainCursor = pgTable("chain_cursor", {
  /** The indexed contract's address. */
  contract: text("contract").primaryKey(),
  chainId: integer("chain_id").notNull(),
  /** Block 0's hash: a chain replaced under the same id and address (a devnet restart) differs. */
  genesisHash: text("genesis_hash").notNull(),
  /** Every log up to and including this block is stored and folded into the chain_* state. */
  blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
  blockHash: text("block_hash").notNull(),
  /** Every event up to and including this block has been applied to the marketplace's jobs. */
  confirmedNumber: bigint("confirmed_number", { mode: "bigint" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** Blocks the indexer has seen inside the confirmation depth, to tell when one was replaced. */
export const chainBlocks = pgTable(
  "chain_blocks",
  {
    contract: text("contract").notNull(),
    number: bigint("number", { mode: "bigint" }).notNull(),
    hash: text("hash").notNull(),
    timestamp: timestamp("timestamp", { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ name: "chain_blocks_pkey", columns: [t.contract, t.number] })],
);

/** One decoded ComputeMarket log. */
export const chainEvents = pgTable(
  "chain_events",
  {
    contract: text("contract").notNull(),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    blockHash: text("block_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    txHash: text("tx_hash").notNull(),
    blockTime: timestamp("block_time", { withTimezone: true }).notNull(),
    name: text("name").notNull(),
    /** The decoded arguments; uint256 values as decimal strings. */
    args: jsonb("args").$type<Record<string, string | number | boolean>>().notNull(),
    /** The chain job id (bytes32) for job events. */
    jobId: text("job_id"),
    /** Why applying it to the marketplace's job failed (it is kept, and logged). */
    applyNote: text("apply_note"),
  },
  (t) => [
    primaryKey({ name: "chain_events_pkey", columns: [t.blockHash, t.logIndex] }),
    index("chain_events_order_idx").on(t.contract, t.blockNumber, t.logIndex),
    index("chain_events_job_idx").on(t.jobId),
  ],
);

export const chainJobStatuses = [
  "funded",
  "running",
  "submitted",
  "disputed",
  "finalized",
  "resolved",
  "expired",
] as const;
export type ChainJobStatus = (typeof chainJobStatuses)[number];

/** A job as the contract keeps it, from its events; times are block times. */
export const chainJobs = pgTable(
  "chain_jobs",
  {
    jobId: text("job_id").primaryKey(),
    consumer: text("consumer").notNull(),
    provider: text("provider").notNull(),
    status: text("status").$type<ChainJobStatus>().notNull(),
    ratePerSecond: uint256("rate_per_second").notNull(),
    maxSeconds: bigint("max_seconds", { mode: "bigint" }).notNull(),
    escrow: uint256("escrow").notNull(),
    collateral: uint256("collateral").notNull(),
    /** Terms copied from the market's parameters at funding, as the contract does. */
    feeBps: integer("fee_bps").notNull(),
    noShowSlashBps: integer("no_show_slash_bps").notNull(),
    disputeDefaultPayBps: integer("dispute_default_pay_bps").notNull(),
    fundedAt: timestamp("funded_at", { withTimezone: true }).notNull(),
    /** Last moment the provider may acknowledge the start; after it, a funded job may expire. */
    startDeadline: timestamp("start_deadline", { withTimezone: true }).notNull(),
    /** Last moment a result may be submitted; after it, a running job may expire. */
    deadline: timestamp("deadline", { withTimezone: true }).notNull(),
    challengeWindowSeconds: integer("challenge_window_seconds").notNull(),
    disputeTimeoutSeconds: integer("dispute_timeout_seconds").notNull(),
    startedAt: timestamp("started_at", { withTimezone: true }),
    submittedAt: timestamp("submitted_at", { withTimezone: true }),
    usedSeconds: bigint("used_seconds", { mode: "bigint" }),
    resultHash: text("result_hash"),
    /** First moment the job may be finalized (set with the result). */
    challengeEndsAt: timestamp("challenge_ends_at", { withTimezone: true }),
    disputedAt: timestamp("disputed_at", { withTimezone: true }),
    /** First moment anyone may settle the dispute with the default split. */
    disputeEndsAt: timestamp("dispute_ends_at", { withTimezone: true }),
    settledAt: timestamp("settled_at", { withTimezone: true }),
    /** Settlement: the provider's net pay, the fee, what the consumer got back (slash included). */
    providerAmount: uint256("provider_amount"),
    fee: uint256("fee"),
    consumerAmount: uint256("consumer_amount"),
    slashed: uint256("slashed"),
    providerPayBps: integer("provider_pay_bps"),
    slashBps: integer("slash_bps"),
    timedOut: boolean("timed_out"),
    updatedBlock: bigint("updated_block", { mode: "bigint" }).notNull(),
  },
  (t) => [
    check(
      "chain_jobs_status",
      sql`${t.status} in ('funded', 'running', 'submitted', 'disputed', 'finalized', 'resolved', 'expired')`,
    ),
    index("chain_jobs_provider_idx").on(t.provider),
    index("chain_jobs_consumer_idx").on(t.consumer),
    index("chain_jobs_open_idx")
      .on(t.status)
      .where(sql`${t.status} in ('funded', 'running', 'submitted', 'disputed')`),
  ],
);

/** A provider's stake position as the contract keeps it. */
export const chainProviders = pgTable("chain_providers", {
  address: text("address").primaryKey(),
  stake: uint256("stake").notNull(),
  locked: uint256("locked").notNull(),
  pendingUnstake: uint256("pending_unstake").notNull(),
  unstakeReadyAt: timestamp("unstake_ready_at", { withTimezone: true }),
  signer: text("signer").notNull(),
  /** All stake ever slashed from this provider. */
  slashedTotal: uint256("slashed_total").notNull(),
  updatedBlock: bigint("updated_block", { mode: "bigint" }).notNull(),
});

/** An account's withdrawable balance on the contract, with what was ever credited and withdrawn. */
export const chainAccounts = pgTable("chain_accounts", {
  address: text("address").primaryKey(),
  withdrawable: uint256("withdrawable").notNull(),
  credited: uint256("credited").notNull(),
  withdrawn: uint256("withdrawn").notNull(),
  updatedBlock: bigint("updated_block", { mode: "bigint" }).notNull(),
});

export const balanceMoveKinds = ["pay", "fee", "refund", "slash", "withdrawn"] as const;
export type BalanceMoveKind = (typeof balanceMoveKinds)[number];

/** Each credit to or withdrawal from an account's balance, with the event that made it. */
export const chainBalanceMoves = pgTable(
  "chain_balance_moves",
  {
    blockHash: text("block_hash").notNull(),
    logIndex: integer("log_index").notNull(),
    account: text("account").notNull(),
    /** pay (provider's net pay), fee, refund (escrow back), slash (collateral to the consumer), withdrawn. */
    kind: text("kind").$type<BalanceMoveKind>().notNull(),
    /** Positive for credits, negative for withdrawals. */
    amount: uint256("amount").notNull(),
    jobId: text("job_id"),
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    blockTime: timestamp("block_time", { withTimezone: true }).notNull(),
    txHash: text("tx_hash").notNull(),
  },
  (t) => [
    primaryKey({
      name: "chain_balance_moves_pkey",
      columns: [t.blockHash, t.logIndex, t.account, t.kind],
    }),
    index("chain_balance_moves_account_idx").on(t.account, t.blockTime),
    index("chain_balance_moves_block_idx").on(t.blockNumber),
  ],
);

/** The market's parameters and roles as last set on chain (one row per contract). */
export const chainMarket = pgTable("chain_market", {
  contract: text("contract").primaryKey(),
  /** The fields of `ParamsUpdated` plus owner, arbiter, fee recipient and paused. */
  state: jsonb("state").$type<Record<string, string | number | boolean>>().notNull(),
  updatedBlock: bigint("updated_block", { mode: "bigint" }).notNull(),
});

/**
 * For reorgs: the state of a chain_* row before a block inside the confirmation depth changed
 * it (null: the row did not exist). Rolling back to block N restores, for each row, the first
 * entry after N. Entries of confirmed blocks are deleted.
 */
export const chainUndo = pgTable(
  "chain_undo",
  {
    blockNumber: bigint("block_number", { mode: "bigint" }).notNull(),
    tableName: text("table_name").notNull(),
    key: text("key").notNull(),
    before: jsonb("before"),
  },
  (t) => [primaryKey({ name: "chain_undo_pkey", columns: [t.blockNumber, t.tableName, t.key] })],
);

/**
 * Who may do a job that only one server should do at a time (the keeper's calls): a lease
 * that its holder renews and another takes when it lapses.
 */
export const workLeases = pgTable("work_leases", {
  name: text("name").primaryKey(),
  holder: text("holder").notNull(),
  expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
});

/** The keeper's sent calls, one row per (job, call), so no call is sent twice. */
export const keeperCalls = pgTable(
  "keeper_calls",
  {
    jobId: text("job_id").notNull(),
    call: text("call").notNull(),
    status: text("status").$type<"sending" | "sent" | "confirmed" | "failed">().notNull(),
    txHash: text("tx_hash"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    nextAttemptAt: timestamp("next_attempt_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "keeper_calls_pkey", columns: [t.jobId, t.call] })],
);
