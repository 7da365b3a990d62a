import type { Metadata } from "next";
import Link from "next/link";
import type { SearchParams } from "nuqs/server";
import { Suspense } from "react";
import { FilterRail, SortSelect } from "@/components/market/filter-rail";
import { count, ethExact, ethShort } from "@/components/market/format";
import { OfferTable } from "@/components/market/offer-table";
import { OfferTableSkeleton } from "@/components/market/offer-table-skeleton";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/db";
import {
  activeFilterCount,
  type Filters,
  loadFilters,
  serializeFilters,
  sorts,
} from "@/lib/services/browse/filters";
import { browseMarket } from "@/lib/services/browse/market";

export const metadata: Metadata = { title: "Market" };

export default async function MarketPage({
  searchParams,
}: {
  searchParams: Promise<SearchParams>;
}) {
  const filters = await loadFilters(searchParams);
  return (
    <main className="mx-auto max-w-7xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-50">Market</h1>
      <p className="mt-1 max-w-3xl text-sm text-zinc-400">
        GPU offers from staked providers. Filter, compare price against measured speed, and use an
        offer to start a job with its terms.
      </p>
      <div className="mt-6 grid gap-6 lg:grid-cols-[15rem_1fr]">
        <aside>
          {/* A disclosure on a phone, always open beside the table on a wide screen. */}
          <details open className="group rounded-xl border border-zinc-800 p-4 lg:border-0 lg:p-0">
            <summary className="cursor-pointer text-sm font-medium text-zinc-200 lg:hidden">
              Filters
            </summary>
            <div className="mt-4 lg:mt-0">
              <FilterRail />
            </div>
          </details>
        </aside>
        <section aria-label="Offers" className="min-w-0">
          {/* Keyed by the query, so each new search shows the skeleton while it streams. */}
          <Suspense key={serializeFilters(filters)} fallback={<OfferTableSkeleton />}>
            <Offers filters={filters} />
          </Suspense>
        </section>
      </div>
    </main>
  );
}

async function Offers({ filters }: { filters: Filters }) {
  const result = await browseMarket(await getDb(), filters);
  if (!result.ok) {
    return (
      <EmptyState
        title="Some filters in this link are not valid"
        action={
          <Link href="/market" className={buttonClass("secondary")}>
            Clear filters
          </Link>
        }
      >
        <ul>
          {result.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      </EmptyState>
    );
  }
  const filtered = activeFilterCount(filters) > 0;
  if (result.total === 0) {
    return filtered ? (
      <EmptyState
        title="No offer fits these filters"
        action={
          <>
            <Link href="/market" className={buttonClass("secondary")}>
              Clear filters
            </Link>
            <Link href="/jobs/new" className={buttonClass("primary")}>
              Submit a job anyway
            </Link>
          </>
        }
      >
        Loosen a filter (a higher price, less VRAM, another region), or submit the job: it waits in
        the queue and is matched as soon as a provider lists what it needs.
      </EmptyState>
    ) : (
      <EmptyState
        title="No GPUs are on offer right now"
        action={
          <Link href="/jobs/new" className={buttonClass("primary")}>
            Submit a job
          </Link>
        }
      >
        Offers appear here as soon as a provider lists a GPU. A job submitted now waits in the queue
        and is matched when one does.
      </EmptyState>
    );
  }
  const hrefFor = (patch: Partial<Filters>) =>
    `/market${serializeFilters({ ...filters, ...patch })}`;
  const sortHrefs = Object.fromEntries(
    sorts.map((s) => [s, hrefFor({ sort: s, page: 1 })]),
  ) as Record<(typeof sorts)[number], string>;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <p className="text-sm text-zinc-300" data-testid="offer-summary">
          <strong className="font-mono text-zinc-50">{count(result.total)}</strong>{" "}
          {result.total === 1 ? "offer" : "offers"}
          {result.medianAskWeiPerGpuHour !== null ? (
            <>
              {" · median "}
              <span
                className="font-mono text-zinc-50"
                title={ethExact(result.medianAskWeiPerGpuHour)}
              >
                {ethShort(result.medianAskWeiPerGpuHour)} ETH/GPU-h
              </span>
            </>
          ) : null}
        </p>
        <SortSelect />
      </div>
      <OfferTable offers={result.items} sort={{ current: filters.sort, hrefs: sortHrefs }} />
      <nav aria-label="Pages" className="flex items-center justify-between gap-3 text-sm">
        {result.page > 1 ? (
          <Link
            href={hrefFor({ page: result.page - 1 })}
            className={buttonClass("secondary", "sm")}
          >
            ← Previous
          </Link>
        ) : (
          <span />
        )}
        <span className="text-zinc-400">
          Page {result.page} of {count(result.pages)}
        </span>
        {result.page < result.pages ? (
          <Link
            href={hrefFor({ page: result.page + 1 })}
            className={buttonClass("secondary", "sm")}
          >
            Next →
          </Link>
        ) : (
          <span />
        )}
      </nav>
    </div>
  );
}
