"use client";

import dynamic from "next/dynamic";
import { useEffect, useRef, useState } from "react";
import { Skeleton } from "@/components/ui/skeleton";
import type { ModelPoint, PriceLines } from "./market-charts";

function Placeholder() {
  return (
    <div className="grid gap-4 md:grid-cols-2" role="status" aria-label="Loading charts">
      <Skeleton className="h-[19.5rem]" />
      <Skeleton className="h-[19.5rem]" />
    </div>
  );
}

/**
 * recharts is the heaviest script on the home page, and drawing a week of prices for every model
 * is the longest task the page runs. Both wait until the charts scroll into view
 * (no server render; a same-size placeholder keeps the layout from jumping), so the figures
 * above them paint and respond first.
 */
const Charts = dynamic(() => import("./market-charts"), { ssr: false, loading: Placeholder });

export function LazyMarketCharts({ models, prices }: { models: ModelPoint[]; prices: PriceLines }) {
  const anchor = useRef<HTMLDivElement>(null);
  const [near, setNear] = useState(false);
  useEffect(() => {
    const el = anchor.current;
    if (!el || near) return;
    if (typeof IntersectionObserver === "undefined") {
      setNear(true);
      return;
    }
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) setNear(true);
      },
      { rootMargin: "0px" },
    );
    observer.observe(el);
    return () => observer.disconnect();
  }, [near]);
  return (
    <div ref={anchor} data-testid="market-charts">
      {near ? <Charts models={models} prices={prices} /> : <Placeholder />}
    </div>
  );
}
