import "server-only";
import type { Executor } from "@/db/client";
import { type BrowsePage, browseOffers } from "@/db/queries/market-browse";
import { browseInput, type Filters, PAGE_SIZE } from "./filters";

export type MarketBrowse =
  | ({ ok: true } & BrowsePage & { page: number; pages: number })
  | { ok: false; problems: string[] };

/**
 * The offer browser's read: the URL's filters validated (a bad value is reported, never
 * guessed), then one page of live offers. A page past the end shows the last one.
 */
export async function browseMarket(db: Executor, filters: Filters): Promise<MarketBrowse> {
  const parsed = browseInput.safeParse(filters);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "filters"}: ${i.message}`),
    };
  }
  const f = parsed.data;
  const query = {
    gpuModels: f.model,
    regions: f.region,
    minVramGb: f.vram ?? undefined,
    minGpus: f.gpus ?? undefined,
    maxAskWeiPerGpuHour: f.maxPrice ?? undefined,
    minReliabilityBps: f.rel === null ? undefined : f.rel * 100,
    minTflops: f.tflops ?? undefined,
    sort: f.sort,
    page: f.page,
    pageSize: PAGE_SIZE,
  };
  let result = await browseOffers(db, query);
  let page = f.page;
  const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
  if (page > pages && result.total > 0) {
    page = pages;
    result = await browseOffers(db, { ...query, page });
  }
  return { ok: true, ...result, page, pages };
}
