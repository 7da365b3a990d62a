import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";
import { providers } from "./providers";

/** Raw bytes (a job's result): bytea in Postgres, Uint8Array in TypeScript. */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType() {
    return "bytea";
  },
  fromDriver(value) {
    return new Uint8Array(value);
  },
});

/** One GPU as the agent detected it (nvidia-smi) or, labelled, simulated it. */
export type AgentGpu = { index: number; model: string; vramMb: number; driver: string };

/** What the agent's machine has, as its last heartbeat said. */
export type AgentHardware = {
  gpus: AgentGpu[];
  /** True when the GPUs are simulated (`--simulate-gpus`): demos and tests only. */
  simulatedGpus: boolean;
  cpu: { model: string; cores: number };
  memoryMb: number;
  os: string;
};

/**
 * A provider's node agent, one row per provider: the hardware and measured throughput it last
 * reported, and when. `offlineByAgent` says the heartbeat sweep (not the provider) took the
 * provider offline, so only that is undone when heartbeats return.
 */
export const providerAgents = pgTable(
  "provider_agents",
  {
    providerId: uuid("provider_id")
      .primaryKey()
      .references(() => providers.id),
    agentVersion: text("agent_version").notNull(),
    hardware: jsonb("hardware").$type<AgentHardware>().notNull(),
    /** Measured matrix-multiply throughput, in TFLOPS (a measurement, not money). */
    tflops: doublePrecision("tflops"),
    /** Where the benchmark ran: 'gpu' or 'cpu'. */
    tflopsDevice: text("tflops_device"),
    lastHeartbeatAt: timestamp("last_heartbeat_at", { withTimezone: true }).notNull(),
    offlineByAgent: boolean("offline_by_agent").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check("provider_agents_device", sql`${t.tflopsDevice} in ('gpu', 'cpu')`)],
);

/**
 * What a provider's agent reported for one job it ran: its start acknowledgement, its log size,
 * its result (bytes, keccak256 as submitted on chain, seconds used) and the submitResult tx.
 * Written only by the agent of the job's provider.
 */
export const agentJobRuns = pgTable("agent_job_runs", {
  jobId: uuid("job_id").primaryKey(),
  leaseId: uuid("lease_id").notNull(),
  providerId: uuid("provider_id")
    .notNull()
    .references(() => providers.id),
  startTxHash: text("start_tx_hash"),
  startedAt: timestamp("started_at", { withTimezone: true }),
  logBytes: bigint("log_bytes", { mode: "number" }).notNull().default(0),
  logChunks: integer("log_chunks").notNull().default(0),
  exitCode: integer("exit_code"),
  usedSeconds: bigint("used_seconds", { mode: "number" }),
  resultHash: text("result_hash"),
  resultSize: integer("result_size"),
  result: bytea("result"),
  resultAt: timestamp("result_at", { withTimezone: true }),
  submitTxHash: text("submit_tx_hash"),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/** A job's output as the agent streamed it, in order; capped per job (agent_job_runs.log_bytes). */
export const agentJobLogs = pgTable(
  "agent_job_logs",
  {
    jobId: uuid("job_id").notNull(),
    seq: integer("seq").notNull(),
    text: text("text").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ name: "agent_job_logs_pkey", columns: [t.jobId, t.seq] })],
);
