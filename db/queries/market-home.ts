import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";

/** The live market in one row: offers, GPUs listed and free, and the lower median ask. */
export async function liveMarketSummary(executor: Executor): Promise<{
  offers: number;
  gpusOnline: number;
  gpusFree: number;
  medianAskWeiPerGpuHour: bigint | null;
}> {
  const [row] = await queryRows<{
    offers: number;
    gpus_online: number;
    gpus_free: number;
    median: string | null;
  }>(
    executor,
    sql`select count(*)::int as offers, coalesce(sum(o.gpus_total), 0)::int as gpus_online,
          coalesce(sum(o.gpus_free), 0)::int as gpus_free,
          (percentile_disc(0.5) within group (order by o.ask_wei_per_gpu_hour))::text as median
        from offers o
        where o.status = 'active' and o.provider_online`,
  );
  return {
    offers: row?.offers ?? 0,
    gpusOnline: row?.gpus_online ?? 0,
    gpusFree: row?.gpus_free ?? 0,
    medianAskWeiPerGpuHour: row?.median ? BigInt(row.median) : null,
  };
}
