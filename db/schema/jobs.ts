import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  unique,
  uuid,
} from "drizzle-orm/pg-core";
import { users } from "./auth";
import { uint256 } from "./columns";

export const jobStatuses = [
  "pending",
  "matched",
  "quoted",
  "funded",
  "running",
  "submitted",
  "finalized",
  "disputed",
  "resolved",
  "cancelled",
  "expired",
] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** An env variable as stored: secret values only as AES-256-GCM ciphertext. */
export type StoredEnvVar =
  | { name: string; secret: false; value: string }
  | { name: string; secret: true; ciphertext: string };

/**
 * A consumer's job. Not market-scoped (a job may accept several models and regions): on Citus it
 * is distributed by `consumer`, which the idempotency key's unique constraint already includes.
 */
export const jobs = pgTable(
  "jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    consumer: text("consumer")
      .notNull()
      .references(() => users.address),
    kind: text("kind").notNull(),
    image: text("image").notNull(),
    command: text("command").notNull().default(""),
    env: jsonb("env").$type<StoredEnvVar[]>().notNull().default([]),
    gpuModels: text("gpu_models").array().notNull().default(sql`'{}'::text[]`),
    minVramGb: integer("min_vram_gb"),
    gpuCount: integer("gpu_count").notNull(),
    regions: text("regions").array().notNull().default(sql`'{}'::text[]`),
    maxPricePerGpuHour: uint256("max_price_per_gpu_hour").notNull(),
    maxHours: integer("max_hours").notNull(),
    idempotencyKey: text("idempotency_key").notNull(),
    status: text("status").$type<JobStatus>().notNull().default("pending"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique("jobs_consumer_idempotency_key").on(t.consumer, t.idempotencyKey),
    check("jobs_gpu_count_positive", sql`${t.gpuCount} > 0`),
    check("jobs_max_hours_positive", sql`${t.maxHours} > 0`),
    check("jobs_max_price_positive", sql`${t.maxPricePerGpuHour} > 0`),
    check("jobs_kind", sql`${t.kind} in ('fine-tune', 'inference', 'training', 'custom')`),
    check("jobs_status", sql.raw(`status in (${jobStatuses.map((s) => `'${s}'`).join(", ")})`)),
    index("jobs_pending_idx")
      .on(t.maxPricePerGpuHour.desc(), t.createdAt)
      .where(sql`${t.status} = 'pending'`),
    index("jobs_consumer_idx").on(t.consumer, t.createdAt),
  ],
);
