import {
  bigint,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
} from "drizzle-orm/pg-core";

export const aggregateKinds = ["provider", "offer", "job", "lease"] as const;
export type AggregateKind = (typeof aggregateKinds)[number];

/**
 * Append-only log of every transition (a trigger refuses UPDATE and DELETE). Distributed by
 * aggregate id on Citus: the key includes it, and reading one aggregate's history hits one shard.
 */
export const marketEvents = pgTable(
  "market_events",
  {
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    aggregate: text("aggregate").$type<AggregateKind>().notNull(),
    aggregateId: uuid("aggregate_id").notNull(),
    type: text("type").notNull(),
    fromStatus: text("from_status"),
    toStatus: text("to_status"),
    actor: text("actor"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull().default({}),
    at: timestamp("at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ name: "market_events_pkey", columns: [t.aggregateId, t.id] }),
    index("market_events_at_idx").on(t.at),
  ],
);
