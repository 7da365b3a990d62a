import "server-only";
import { and, desc, eq } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { leases } from "@/db/schema";

/** The newest lease of a job placed with this provider, whatever its status. */
export async function leaseOfJobForProvider(executor: Executor, jobId: string, providerId: string) {
  const [row] = await executor
    .select()
    .from(leases)
    .where(and(eq(leases.jobId, jobId), eq(leases.providerId, providerId)))
    .orderBy(desc(leases.createdAt))
    .limit(1);
  return row;
}
