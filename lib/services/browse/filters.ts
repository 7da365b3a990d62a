import {
  createLoader,
  createSerializer,
  parseAsArrayOf,
  parseAsInteger,
  parseAsString,
  parseAsStringLiteral,
} from "nuqs/server";
import { z } from "zod";
import { parseEth } from "@/lib/market/eth";
import { gpuModelIds, regions } from "@/lib/market/gpu-catalog";
import { text } from "@/lib/validation/text";

/**
 * The market's filters as they live in the URL (nuqs parsers): short keys, so a shared link
 * reads well. The same parsers drive the filter rail in the browser and the server render,
 * and `browseInput` validates what they produce before any query runs.
 */
export const sorts = ["price", "price_per_tflops", "vram"] as const;
export type Sort = (typeof sorts)[number];

export const filterParsers = {
  model: parseAsArrayOf(parseAsStringLiteral(gpuModelIds)).withDefault([]),
  region: parseAsArrayOf(parseAsStringLiteral(regions)).withDefault([]),
  vram: parseAsInteger,
  gpus: parseAsInteger,
  /** ETH per GPU-hour, as typed (a decimal). */
  maxPrice: parseAsString,
  /** Reliability in percent. */
  rel: parseAsInteger,
  tflops: parseAsInteger,
  sort: parseAsStringLiteral(sorts).withDefault("price"),
  page: parseAsInteger.withDefault(1),
};

export const loadFilters = createLoader(filterParsers);
export const serializeFilters = createSerializer(filterParsers);
export type Filters = Awaited<ReturnType<typeof loadFilters>>;

export const PAGE_SIZE = 25;

const ethPrice = text()
  .trim()
  .transform((v, ctx) => {
    const wei = parseEth(v);
    if (wei === undefined || wei <= 0n) {
      ctx.addIssue({ code: "custom", message: "must be a price in ETH, such as 0.002" });
      return z.NEVER;
    }
    return wei;
  });

/** What the page may ask the database: each filter in range, the price in wei. */
export const browseInput = z.object({
  model: z.array(z.enum(gpuModelIds)).max(gpuModelIds.length),
  region: z.array(z.enum(regions)).max(regions.length),
  vram: z.number().int().min(1).max(1024).nullable(),
  gpus: z.number().int().min(1).max(1024).nullable(),
  maxPrice: ethPrice.nullable(),
  rel: z.number().int().min(0).max(100).nullable(),
  tflops: z.number().int().min(1).max(100_000).nullable(),
  sort: z.enum(sorts),
  page: z.number().int().min(1).max(10_000),
});

export type BrowseInput = z.infer<typeof browseInput>;

/** How many filters narrow the search (for the "clear filters" prompt). */
export function activeFilterCount(f: Filters): number {
  return (
    f.model.length +
    f.region.length +
    [f.vram, f.gpus, f.maxPrice, f.rel, f.tflops].filter((v) => v !== null && v !== "").length
  );
}
