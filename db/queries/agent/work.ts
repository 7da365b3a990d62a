import "server-only";
import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { agentJobRuns, jobs, leases, offers } from "@/db/schema";

/** Lease states the agent acts on: quote, wait for funding, start, run. */
export const agentLeaseStatuses = ["reserved", "quoted", "funded", "running"] as const;

/**
 * A provider's leases the agent acts on, with their job's spec and what the agent reported.
 * Found through the provider's offers (offers_provider_idx, then leases_offer_idx): leases have
 * no index by provider, and this runs at every wake of a waiting agent.
 */
export async function agentWork(executor: Executor, providerId: string) {
  return executor
    .select({
      lease: leases,
      job: {
        id: jobs.id,
        kind: jobs.kind,
        image: jobs.image,
        command: jobs.command,
        env: jobs.env,
        status: jobs.status,
      },
      run: {
        startTxHash: agentJobRuns.startTxHash,
        resultHash: agentJobRuns.resultHash,
        submitTxHash: agentJobRuns.submitTxHash,
      },
    })
    .from(leases)
    .innerJoin(jobs, eq(jobs.id, leases.jobId))
    .leftJoin(agentJobRuns, eq(agentJobRuns.jobId, leases.jobId))
    .where(
      and(
        sql`(${leases.market}, ${leases.offerId}) in (select ${offers.market}, ${offers.id} from ${offers} where ${offers.providerId} = ${providerId})`,
        eq(leases.providerId, providerId),
        inArray(leases.status, [...agentLeaseStatuses]),
      ),
    )
    .orderBy(asc(leases.createdAt))
    .limit(200);
}
