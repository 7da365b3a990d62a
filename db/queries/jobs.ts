import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import { type JobStatus, jobs } from "@/db/schema";
import { textArray } from "./util";

export type JobRow = typeof jobs.$inferSelect;

export async function jobByKey(
  executor: Executor,
  consumer: string,
  idempotencyKey: string,
): Promise<JobRow | undefined> {
  const [row] = await executor
    .select()
    .from(jobs)
    .where(and(eq(jobs.consumer, consumer), eq(jobs.idempotencyKey, idempotencyKey)));
  return row;
}

export async function jobById(executor: Executor, id: string): Promise<JobRow | undefined> {
  const [row] = await executor.select().from(jobs).where(eq(jobs.id, id));
  return row;
}

/**
 * The guarded transition: moves the job only if it is still in one of `from`, and says which
 * status it left. The row lock taken first makes concurrent callers queue, then re-check.
 */
export async function transitionJob(
  executor: Executor,
  id: string,
  from: readonly JobStatus[],
  to: JobStatus,
): Promise<{ from: JobStatus } | undefined> {
  const [row] = await queryRows<{ from_status: JobStatus }>(
    executor,
    sql`with prev as (select id, status from jobs where id = ${id} for update)
        update jobs j set status = ${to}, updated_at = now() from prev
        where j.id = prev.id and prev.status = any(${textArray(from)})
        returning prev.status as from_status`,
  );
  return row ? { from: row.from_status } : undefined;
}

/**
 * Claims the next pending jobs that could use an offer of this model and region, highest max
 * price first, then oldest. SKIP LOCKED lets several re-matchers share the queue without
 * waiting on each other or taking the same job.
 */
export async function claimPendingJobs(
  executor: Executor,
  offer: { gpuModel: string; vramGb: number; region: string; gpusFree: number },
  limit: number,
  skip: readonly string[] = [],
): Promise<JobRow[]> {
  const rows = await queryRows<{ id: string }>(
    executor,
    sql`select id from jobs
        where status = 'pending' and gpu_count <= ${offer.gpusFree}
          and (gpu_models = '{}' or gpu_models @> ${textArray([offer.gpuModel])})
          and (min_vram_gb is null or min_vram_gb <= ${offer.vramGb})
          and (regions = '{}' or regions @> ${textArray([offer.region])})
          and not (id::text = any(${textArray(skip)}))
        order by max_price_per_gpu_hour desc, created_at, id
        limit ${limit}
        for update skip locked`,
  );
  if (rows.length === 0) return [];
  const found = await executor
    .select()
    .from(jobs)
    .where(
      inArray(
        jobs.id,
        rows.map((r) => r.id),
      ),
    );
  const order = new Map(rows.map((r, i) => [r.id, i]));
  return found.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0));
}
