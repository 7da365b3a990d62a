import "server-only";
import { type SQL, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import { textArray } from "./util";

/** The offer browser's question: every filter optional, one sort, one page. */
export type BrowseQuery = {
  gpuModels: readonly string[];
  regions: readonly string[];
  minVramGb?: number;
  /** GPUs free on one offer, at least. */
  minGpus?: number;
  maxAskWeiPerGpuHour?: bigint;
  /** The provider's measured reliability, at least (basis points). */
  minReliabilityBps?: number;
  /** TFLOPS per GPU, at least: the agent's measurement when it has one, else the catalog's. */
  minTflops?: number;
  sort: "price" | "price_per_tflops" | "vram";
  page: number;
  pageSize: number;
};

export type BrowseOffer = {
  id: string;
  gpuModel: string;
  gpuName: string;
  vramGb: number;
  region: string;
  gpusTotal: number;
  gpusFree: number;
  askWeiPerGpuHour: bigint;
  tflops: number;
  measured: boolean;
  /** Ask per GPU-hour per TFLOPS, in wei (rounded down). */
  weiPerTflopsHour: bigint;
  minHours: number;
  maxHours: number;
  provider: {
    name: string;
    address: string;
    reliabilityBps: number;
    /** Its stake on the contract (indexed), locked and pending unstake included; 0 if none. */
    stake: bigint;
    /** Jobs it settled with a result (finalized or resolved) and jobs it let expire. */
    jobsCompleted: number;
    jobsExpired: number;
    slashedTotal: bigint;
  };
};

export type BrowsePage = {
  /** Offers matching the filters, all pages. */
  total: number;
  /** The lower median ask of those offers; null when there are none. */
  medianAskWeiPerGpuHour: bigint | null;
  items: BrowseOffer[];
};

type ItemJson = {
  id: string;
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
  provider_name: string;
  address: string;
  reliability_bps: number;
  stake: string;
  completed: number;
  expired: number;
  slashed: string;
};

const orderBy: Record<BrowseQuery["sort"], SQL> = {
  price: sql`f.ask, f.created_at, f.id`,
  price_per_tflops: sql`f.ask / f.tflops::numeric, f.ask, f.id`,
  vram: sql`f.vram_gb desc, f.ask, f.id`,
};

/**
 * One round trip: the count and median of the offers that pass the filters, and one sorted page
 * of them with each provider's stake and track record. The stake and the record (chain_providers
 * by key, chain_jobs by `chain_jobs_provider_idx`) are read for the page's rows only, after the
 * limit, so their cost does not grow with the market. Live offers only: active, GPUs free,
 * provider online.
 */
export async function browseOffers(executor: Executor, q: BrowseQuery): Promise<BrowsePage> {
  const where: SQL[] = [
    sql`o.status = 'active'`,
    sql`o.provider_online`,
    sql`o.gpus_free >= ${q.minGpus ?? 1}`,
  ];
  if (q.gpuModels.length) where.push(sql`o.gpu_model = any(${textArray(q.gpuModels)})`);
  if (q.regions.length) where.push(sql`o.region = any(${textArray(q.regions)})`);
  if (q.minVramGb !== undefined) where.push(sql`g.vram_gb >= ${q.minVramGb}`);
  if (q.maxAskWeiPerGpuHour !== undefined) {
    where.push(sql`o.ask_wei_per_gpu_hour <= ${q.maxAskWeiPerGpuHour.toString()}::numeric`);
  }
  if (q.minReliabilityBps !== undefined) {
    where.push(sql`p.reliability_bps >= ${q.minReliabilityBps}`);
  }
  if (q.minTflops !== undefined) {
    where.push(sql`coalesce(o.measured_tflops, g.tflops) >= ${q.minTflops}`);
  }
  const [row] = await queryRows<{ total: number; median: string | null; items: ItemJson[] }>(
    executor,
    sql`with f as materialized (
          select o.id, o.gpu_model, g.name as gpu_name, g.vram_gb, o.region, o.gpus_total,
                 o.gpus_free, o.ask_wei_per_gpu_hour as ask,
                 coalesce(o.measured_tflops, g.tflops)::float8 as tflops,
                 o.measured_tflops is not null as measured, o.min_hours, o.max_hours,
                 o.created_at, p.name as provider_name, p.address, p.reliability_bps
          from offers o
          join providers p on p.id = o.provider_id
          join gpu_models g on g.id = o.gpu_model
          where ${sql.join(where, sql` and `)}
        ),
        page as (
          select f.* from f
          order by ${orderBy[q.sort]}
          limit ${q.pageSize} offset ${(q.page - 1) * q.pageSize}
        )
        select (select count(*)::int from f) as total,
               (select (percentile_disc(0.5) within group (order by f.ask))::text from f)
                 as median,
               coalesce((
                 select json_agg(json_build_object(
                   'id', f.id, 'gpu_model', f.gpu_model, 'gpu_name', f.gpu_name,
                   'vram_gb', f.vram_gb, 'region', f.region,
                   'gpus_total', f.gpus_total, 'gpus_free', f.gpus_free,
                   'ask', f.ask::text, 'tflops', f.tflops, 'measured', f.measured,
                   'per_tflops', trunc(f.ask / f.tflops::numeric)::text,
                   'min_hours', f.min_hours, 'max_hours', f.max_hours,
                   'provider_name', f.provider_name, 'address', f.address,
                   'reliability_bps', f.reliability_bps,
                   'stake', coalesce(cp.stake, 0)::text,
                   'slashed', coalesce(cp.slashed_total, 0)::text,
                   'completed', rec.completed, 'expired', rec.expired)
                   order by ${orderBy[q.sort]})
                 from page f
                 left join chain_providers cp on cp.address = f.address
                 cross join lateral (
                   select count(*) filter (where j.status in ('finalized', 'resolved'))::int
                            as completed,
                          count(*) filter (where j.status = 'expired')::int as expired
                   from chain_jobs j where j.provider = f.address
                 ) rec
               ), '[]'::json) as items`,
  );
  return {
    total: row?.total ?? 0,
    medianAskWeiPerGpuHour: row?.median ? BigInt(row.median) : null,
    items: (row?.items ?? []).map((r) => ({
      id: r.id,
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
      provider: {
        name: r.provider_name,
        address: r.address,
        reliabilityBps: r.reliability_bps,
        stake: BigInt(r.stake),
        jobsCompleted: r.completed,
        jobsExpired: r.expired,
        slashedTotal: BigInt(r.slashed),
      },
    })),
  };
}
