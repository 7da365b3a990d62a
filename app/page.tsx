import Link from "next/link";
import { Suspense } from "react";
import { LazyMarketCharts } from "@/components/home/lazy-market-charts";
import { count, ethExact, ethShort } from "@/components/market/format";
import { buttonClass } from "@/components/ui/button";
import { Skeleton } from "@/components/ui/skeleton";
import { Stat } from "@/components/ui/stat";
import { getDb } from "@/db";
import { networkAtAGlance } from "@/lib/services/browse/home";

const steps = [
  {
    title: "Describe the job",
    text: "A container image, the GPU model or minimum VRAM, how many GPUs, the region and the most you will pay per GPU-hour.",
  },
  {
    title: "Matched and escrowed",
    text: "The matching engine picks the cheapest fitting offer. You fund the job into escrow in the ComputeMarket contract; the provider's stake backs its promise.",
  },
  {
    title: "Pay for seconds used",
    text: "The provider's node runs the job and commits a result hash on chain. After the challenge window the provider is paid for the seconds used and the rest of the escrow returns to you.",
  },
];

// The numbers are live: rendered per request, never frozen into the build.
export const dynamic = "force-dynamic";

export default function HomePage() {
  return (
    <main className="mx-auto max-w-6xl px-4 py-12 sm:px-6 sm:py-16">
      <section className="flex flex-col gap-6 md:flex-row md:items-end md:justify-between">
        <div className="max-w-3xl">
          <p className="text-sm font-medium text-emerald-400">Decentralized compute for AI</p>
          <h1 className="mt-3 text-4xl font-semibold tracking-tight text-zinc-50 sm:text-5xl">
            GPU compute for AI, paid by the second
          </h1>
          <p className="mt-5 text-lg leading-8 text-zinc-400">
            Fine-tune, run batch inference or train on GPUs listed by independent providers. Payment
            waits in escrow on Arbitrum until the work is done; providers stake collateral that is
            slashed if they do not deliver.
          </p>
        </div>
        <div className="flex shrink-0 flex-wrap gap-3">
          <Link href="/market" className={buttonClass("primary")}>
            Find GPUs
          </Link>
          <Link href="/jobs/new" className={buttonClass("secondary")}>
            Submit a job
          </Link>
        </div>
      </section>
      <Suspense fallback={<GlanceSkeleton />}>
        <Glance />
      </Suspense>
      <section aria-labelledby="how" className="mt-16">
        <h2 id="how" className="text-lg font-medium text-zinc-100">
          How it works
        </h2>
        <ol className="mt-4 grid gap-4 md:grid-cols-3">
          {steps.map((step, i) => (
            <li key={step.title} className="rounded-xl border border-zinc-800 bg-zinc-900/40 p-6">
              <p className="font-mono text-xs text-zinc-400">0{i + 1}</p>
              <h3 className="mt-2 font-medium text-zinc-100">{step.title}</h3>
              <p className="mt-2 text-sm leading-6 text-zinc-400">{step.text}</p>
            </li>
          ))}
        </ol>
      </section>
    </main>
  );
}

/** "2026-11-23" as "Nov 23" (the days are UTC days). */
function dayLabel(day: string): string {
  return new Date(`${day}T00:00:00Z`).toLocaleDateString("en-US", {
    month: "short",
    day: "numeric",
    timeZone: "UTC",
  });
}

function GlanceSkeleton() {
  return (
    <div className="mt-12 space-y-6" role="status" aria-label="Loading the network's numbers">
      <div className="grid grid-cols-2 gap-4 md:grid-cols-4">
        {["a", "b", "c", "d"].map((k) => (
          <Skeleton key={k} className="h-[5.5rem]" />
        ))}
      </div>
      <Skeleton className="h-[19.5rem]" />
    </div>
  );
}

async function Glance() {
  const glance = await networkAtAGlance(await getDb());
  const t = glance.totals;
  return (
    <section aria-labelledby="now" className="mt-12 space-y-6">
      <h2 id="now" className="sr-only">
        The network right now
      </h2>
      <dl className="grid grid-cols-2 gap-4 md:grid-cols-4">
        <Stat
          label="GPUs online"
          value={count(glance.gpusOnline)}
          unit="GPUs"
          delta={`${count(glance.gpusFree)} free in ${count(glance.offers)} offers`}
        />
        <Stat
          label="Median price"
          value={
            glance.medianAskWeiPerGpuHour === null ? (
              "—"
            ) : (
              <span title={ethExact(glance.medianAskWeiPerGpuHour)}>
                {ethShort(glance.medianAskWeiPerGpuHour)}
              </span>
            )
          }
          unit="ETH / GPU-h"
        />
        <Stat
          label="Jobs completed"
          value={count(t.jobsCompleted)}
          unit="jobs"
          delta={`${count(t.jobsOpen)} open on chain`}
        />
        <Stat
          label="Paid to providers"
          value={<span title={ethExact(t.paidToProviders)}>{ethShort(t.paidToProviders)}</span>}
          unit="ETH"
          delta={`${t.gpuHours.toLocaleString("en-US", { maximumFractionDigits: 1 })} GPU-hours`}
        />
      </dl>
      {glance.models.length > 0 ? (
        <LazyMarketCharts
          models={glance.models.map((m) => ({ name: m.gpuName, gpusOnline: m.gpusOnline }))}
          prices={{
            days: glance.history.days.map(dayLabel),
            series: glance.history.series.map((s) => ({
              key: s.gpuModel,
              name: s.gpuName,
              // For drawing only: the exact figures are the stat above and the market's median.
              eth: s.medians.map((wei) => (wei === null ? null : Number(wei) / 1e18)),
            })),
          }}
        />
      ) : (
        <p className="rounded-xl border border-dashed border-zinc-700 p-6 text-sm text-zinc-400">
          No GPUs are listed yet: the charts of GPUs by model and their prices appear as soon as a
          provider lists one.{" "}
          <Link href="/provider" className="text-emerald-400 underline">
            Offer your GPUs
          </Link>
        </p>
      )}
    </section>
  );
}
