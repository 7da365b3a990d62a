import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import { textArray } from "./util";

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

export type OfferListing = {
  id: string;
  providerId: string;
  providerName: string;
  gpuModel: string;
  gpuName: string;
  vramGb: number;
  region: string;
  gpusTotal: number;
  gpusFree: number;
  askWeiPerGpuHour: bigint;
  tflops: number;
  measured: boolean;
  /** Ask per GPU-hour divided by TFLOPS, in wei (rounded down). */
  weiPerTflopsHour: bigint;
  minHours: number;
  maxHours: number;
};

type ListingRow = {
  id: string;
  provider_id: string;
  provider_name: string;
  gpu_model: string;
  gpu_name: string;
  vram_gb: number;
  region: string;
  gpus_total: number;
  gpus_free: number;
  ask: string;
  tflops: number;
  measured: boolean;
  per_tflops: string;
  min_hours: number;
  max_hours: number;
  total: string;
};

const orderBy: Record<OfferSearch["sort"], SQL> = {
  price: sql`o.ask_wei_per_gpu_hour, o.created_at, o.id`,
  price_per_tflops: sql`o.ask_wei_per_gpu_hour / coalesce(o.measured_tflops, g.tflops)::numeric, o.id`,
  vram: sql`g.vram_gb desc, o.ask_wei_per_gpu_hour, o.id`,
};

/** Listed offers of online providers with GPUs free, filtered, sorted and paginated. */
export async function searchOffers(
  executor: Executor,
  q: OfferSearch,
): Promise<{ items: OfferListing[]; total: number }> {
  const where: SQL[] = [sql`o.status = 'active'`, sql`p.status = 'online'`];
  if (q.gpuModels?.length) where.push(sql`o.gpu_model = any(${textArray(q.gpuModels)})`);
  if (q.regions?.length) where.push(sql`o.region = any(${textArray(q.regions)})`);
  if (q.minVramGb !== undefined) where.push(sql`g.vram_gb >= ${q.minVramGb}`);
  if (q.maxAskWeiPerGpuHour !== undefined) {
    where.push(sql`o.ask_wei_per_gpu_hour <= ${q.maxAskWeiPerGpuHour.toString()}::numeric`);
  }
  where.push(sql`o.gpus_free >= ${q.minGpusFree ?? 1}`);
  const rows = await queryRows<ListingRow>(
    executor,
    sql`select o.id, o.provider_id, p.name as provider_name, o.gpu_model, g.name as gpu_name,
          g.vram_gb, o.region, o.gpus_total, o.gpus_free, o.ask_wei_per_gpu_hour::text as ask,
          coalesce(o.measured_tflops, g.tflops)::float8 as tflops,
          o.measured_tflops is not null as measured,
          trunc(o.ask_wei_per_gpu_hour / coalesce(o.measured_tflops, g.tflops)::numeric)::text
            as per_tflops,
          o.min_hours, o.max_hours, count(*) over ()::text as total
        from offers o
        join providers p on p.id = o.provider_id
        join gpu_models g on g.id = o.gpu_model
        where ${sql.join(where, sql` and `)}
        order by ${orderBy[q.sort]}
        limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}`,
  );
  return {
    total: Number(rows[0]?.total ?? 0),
    items: rows.map((r) => ({
      id: r.id,
      providerId: r.provider_id,
      providerName: r.provider_name,
      gpuModel: r.gpu_model,
      gpuName: r.gpu_name,
      vramGb: r.vram_gb,
      region: r.region,
      gpusTotal: r.gpus_total,
      gpusFree: r.gpus_free,
      askWeiPerGpuHour: BigInt(r.ask),
      tflops: r.tflops,
      measured: r.measured,
      weiPerTflopsHour: BigInt(r.per_tflops),
      minHours: r.min_hours,
      maxHours: r.max_hours,
    })),
  };
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
