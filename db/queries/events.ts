import "server-only";
import { asc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type AggregateKind, marketEvents } from "@/db/schema";

export type NewEvent = {
  aggregate: AggregateKind;
  aggregateId: string;
  type: string;
  fromStatus?: string | null;
  toStatus?: string | null;
  actor?: string | null;
  data?: Record<string, unknown>;
};

/** Appends to the event log; callers pass their transaction so the event commits with the change. */
export async function appendEvents(executor: Executor, events: NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  await executor.insert(marketEvents).values(
    events.map((e) => ({
      aggregate: e.aggregate,
      aggregateId: e.aggregateId,
      type: e.type,
      fromStatus: e.fromStatus ?? null,
      toStatus: e.toStatus ?? null,
      actor: e.actor ?? null,
      data: e.data ?? {},
    })),
  );
}

export async function eventsOf(executor: Executor, aggregateId: string) {
  return executor
    .select()
    .from(marketEvents)
    .where(eq(marketEvents.aggregateId, aggregateId))
    .orderBy(asc(marketEvents.id));
}
