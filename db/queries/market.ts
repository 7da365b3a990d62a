import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import { type BrowseOffer, browseOffers } from "./market-browse";

export type OfferSearch = {
  gpuModels?: readonly string[];
  regions?: readonly string[];
  minVramGb?: number;
  maxAskWeiPerGpuHour?: bigint;
  minGpusFree?: number;
  sort: "price" | "price_per_tflops" | "vram";
  page: number;
  pageSize: number;
};

/**
 * Listed offers of online providers with GPUs free, filtered, sorted and paginated: the offer
 * browser's own read (`browseOffers`), so the public search action and /market answer alike.
 */
export async function searchOffers(
  executor: Executor,
  q: OfferSearch,
): Promise<{ items: BrowseOffer[]; total: number }> {
  const { items, total } = await browseOffers(executor, {
    gpuModels: q.gpuModels ?? [],
    regions: q.regions ?? [],
    minVramGb: q.minVramGb,
    minGpus: q.minGpusFree,
    maxAskWeiPerGpuHour: q.maxAskWeiPerGpuHour,
    sort: q.sort,
    page: q.page,
    pageSize: q.pageSize,
  });
  return { items, total };
}

export type ModelStats = {
  gpuModel: string;
  gpuName: string;
  offers: number;
  gpusOnline: number;
  gpusFree: number;
  /** The lower median of the asks of live offers, weighted per offer. */
  medianAskWeiPerGpuHour: bigint | null;
};

/** Per GPU model: GPUs online (listed by online providers), free, and the median ask. */
export async function marketStats(executor: Executor): Promise<ModelStats[]> {
  const rows = await queryRows<{
    gpu_model: string;
    gpu_name: string;
    offers: number;
    gpus_online: number;
    gpus_free: number;
    median: string | null;
  }>(
    executor,
    sql`select g.id as gpu_model, g.name as gpu_name,
          count(o.id)::int as offers,
          coalesce(sum(o.gpus_total), 0)::int as gpus_online,
          coalesce(sum(o.gpus_free), 0)::int as gpus_free,
          (percentile_disc(0.5) within group (order by o.ask_wei_per_gpu_hour))::text as median
        from gpu_models g
        left join (offers o join providers p on p.id = o.provider_id and p.status = 'online')
          on o.gpu_model = g.id and o.status = 'active'
        group by g.id, g.name, g.vram_gb
        order by g.vram_gb desc, g.id`,
  );
  return rows.map((r) => ({
    gpuModel: r.gpu_model,
    gpuName: r.gpu_name,
    offers: r.offers,
    gpusOnline: r.gpus_online,
    gpusFree: r.gpus_free,
    medianAskWeiPerGpuHour: r.median === null ? null : BigInt(r.median),
  }));
}

/** The markets a provider lists in (live offers), for re-matching when it comes online. */
export async function marketsOfProvider(executor: Executor, providerId: string) {
  const rows = await queryRows<{ market: string }>(
    executor,
    sql`select distinct market from offers
        where provider_id = ${providerId} and status = 'active'`,
  );
  return rows.map((r) => r.market);
}
