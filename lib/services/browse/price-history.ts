import "server-only";
import { getDb } from "@/db";
import type { Executor } from "@/db/client";
import { dailyMedians, recordPriceSample } from "@/db/queries/price-history";
import { logError } from "@/lib/log";

const DAY_MS = 86_400_000;

export type PriceSeries = {
  gpuModel: string;
  gpuName: string;
  /** One entry per day of `days`: that day's median ask, or null when it was not sampled. */
  medians: (bigint | null)[];
};

export type PriceHistory = {
  /** The UTC days shown, oldest first, the last one today (YYYY-MM-DD). */
  days: string[];
  /** Models sampled at least once in those days, most memory first. */
  series: PriceSeries[];
};

/**
 * The median ask per model per UTC day, over the `days` days ending with `now`'s day. A day
 * with no sample is null (the chart draws a gap, not a zero: no sample is not a free GPU).
 */
export async function priceHistory(db: Executor, now: Date, days = 7): Promise<PriceHistory> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const from = new Date(today - (days - 1) * DAY_MS);
  const to = new Date(today + DAY_MS);
  const dayKeys = Array.from({ length: days }, (_, i) =>
    new Date(from.getTime() + i * DAY_MS).toISOString().slice(0, 10),
  );
  const series = new Map<string, PriceSeries>();
  for (const row of await dailyMedians(db, from, to)) {
    let s = series.get(row.gpuModel);
    if (!s) {
      s = { gpuModel: row.gpuModel, gpuName: row.gpuName, medians: dayKeys.map(() => null) };
      series.set(row.gpuModel, s);
    }
    s.medians[dayKeys.indexOf(row.day)] = row.medianAskWeiPerGpuHour;
  }
  return { days: dayKeys, series: [...series.values()] };
}

/** A sample every 10 minutes: the first one in each hour is kept, so no hour is missed. */
const SAMPLE_INTERVAL_MS = 600_000;

const holder = globalThis as typeof globalThis & { __gpuMarketPriceSampler?: NodeJS.Timeout };

async function sampleNow(): Promise<void> {
  try {
    await recordPriceSample(await getDb(), new Date());
  } catch (error) {
    logError("price sample failed", error);
  }
}

/** Samples the market's median asks now and then every 10 minutes, once per process. */
export function startPriceSampler(): void {
  if (holder.__gpuMarketPriceSampler) return;
  holder.__gpuMarketPriceSampler = setInterval(sampleNow, SAMPLE_INTERVAL_MS);
  holder.__gpuMarketPriceSampler.unref();
  void sampleNow();
}
