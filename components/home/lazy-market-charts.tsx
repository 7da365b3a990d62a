"use client";

import dynamic from "next/dynamic";
import { Skeleton } from "@/components/ui/skeleton";
import type { ModelPoint, PriceLines } from "./market-charts";

/**
 * recharts is the heaviest script on the home page: it loads in its own chunk after the page
 * has painted (no server render; a same-size placeholder keeps the layout from jumping).
 */
const Charts = dynamic(() => import("./market-charts"), {
  ssr: false,
  loading: () => (
    <div className="grid gap-4 md:grid-cols-2" role="status" aria-label="Loading charts">
      <Skeleton className="h-[19.5rem]" />
      <Skeleton className="h-[19.5rem]" />
    </div>
  ),
});

export function LazyMarketCharts({ models, prices }: { models: ModelPoint[]; prices: PriceLines }) {
  return <Charts models={models} prices={prices} />;
}
