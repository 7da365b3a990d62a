import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";

const HOUR_MS = 3_600_000;

/** The start of `at`'s hour, UTC. */
export function hourOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS);
}

/**
 * Samples the live market for `at`'s hour: per GPU model with live offers (active, provider
 * online, sold out or not, as the home page counts them), the lower median ask. One statement;
 * an hour already sampled keeps its first sample. Returns the models sampled now.
 */
export async function recordPriceSample(executor: Executor, at: Date): Promise<string[]> {
  const rows = await queryRows<{ gpu_model: string }>(
    executor,
    sql`insert into market_price_samples
          (gpu_model, hour, median_ask_wei_per_gpu_hour, offers)
        select o.gpu_model, ${hourOf(at).toISOString()}::timestamptz,
               percentile_disc(0.5) within group (order by o.ask_wei_per_gpu_hour),
               count(*)::int
        from offers o
        where o.status = 'active' and o.provider_online
        group by o.gpu_model
        on conflict (gpu_model, hour) do nothing
        returning gpu_model`,
  );
  return rows.map((r) => r.gpu_model).sort();
}

export type DailyMedian = {
  gpuModel: string;
  gpuName: string;
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  /** The lower median of the day's hourly medians. */
  medianAskWeiPerGpuHour: bigint;
  /** Hours of the day that were sampled. */
  samples: number;
};

/** Per model and UTC day in [from, to): the lower median of that day's hourly samples. */
export async function dailyMedians(
  executor: Executor,
  from: Date,
  to: Date,
): Promise<DailyMedian[]> {
  const rows = await queryRows<{
    gpu_model: string;
    gpu_name: string;
    day: string;
    median: string;
    samples: number;
  }>(
    executor,
    sql`select s.gpu_model, g.name as gpu_name,
          to_char(s.hour at time zone 'UTC', 'YYYY-MM-DD') as day,
          (percentile_disc(0.5) within group (order by s.median_ask_wei_per_gpu_hour))::text
            as median,
          count(*)::int as samples
        from market_price_samples s
        join gpu_models g on g.id = s.gpu_model
        where s.hour >= ${from.toISOString()}::timestamptz
          and s.hour < ${to.toISOString()}::timestamptz
        group by s.gpu_model, g.name, g.vram_gb, day
        order by g.vram_gb desc, s.gpu_model, day`,
  );
  return rows.map((r) => ({
    gpuModel: r.gpu_model,
    gpuName: r.gpu_name,
    day: r.day,
    medianAskWeiPerGpuHour: BigInt(r.median),
    samples: r.samples,
  }));
}
