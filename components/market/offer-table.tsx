"use client";

import {
  createColumnHelper,
  type SortDirection,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import type { BrowseOffer } from "@/db/queries/market-browse";
import { formatEth } from "@/lib/market/eth";
import { count, ethExact, ethShort, percent, shortAddress } from "./format";

/**
 * TanStack Table in manual mode: the server filters, sorts and pages (10,000 offers never reach
 * the browser), and the table only lays out the page it was given. Sorting is a link, so it
 * lives in the URL with the filters.
 */
const features = tableFeatures({});
const col = createColumnHelper<typeof features, BrowseOffer>();

export type SortLinks = {
  current: "price" | "price_per_tflops" | "vram";
  hrefs: Record<"price" | "price_per_tflops" | "vram", string>;
};

/** New job prefilled with the offer's model, region, price and (up to 8) its free GPUs. */
function newJobHref(o: BrowseOffer): string {
  const params = new URLSearchParams({
    model: o.gpuModel,
    region: o.region,
    maxPrice: formatEth(o.askWeiPerGpuHour),
    gpus: String(Math.min(o.gpusFree, 8)),
  });
  return `/jobs/new?${params}`;
}

const columns = col.columns([
  col.accessor("gpuName", {
    header: "GPU",
    cell: ({ row }) => (
      <span className="font-medium text-zinc-100">
        {row.original.gpuName}
        <span className="text-zinc-400"> ×{row.original.gpusTotal}</span>
      </span>
    ),
  }),
  col.accessor("vramGb", {
    id: "vram",
    header: "VRAM",
    meta: { numeric: true },
    cell: ({ getValue }) => `${getValue()} GB`,
  }),
  col.accessor("gpusFree", {
    header: "GPUs free",
    meta: { numeric: true },
    cell: ({ row }) => `${row.original.gpusFree} of ${row.original.gpusTotal}`,
  }),
  col.accessor("region", { header: "Region" }),
  col.accessor("askWeiPerGpuHour", {
    id: "price",
    header: "Price / GPU-h",
    meta: { numeric: true },
    cell: ({ getValue }) => (
      <span title={`${ethExact(getValue())} per GPU-hour`} className="text-zinc-50">
        {ethShort(getValue())} ETH
      </span>
    ),
  }),
  col.accessor("tflops", {
    header: "TFLOPS",
    meta: { numeric: true },
    cell: ({ row }) => (
      <span title={row.original.measured ? "Measured by the provider's agent" : "Rated figure"}>
        {Math.round(row.original.tflops)}
        {row.original.measured ? <span className="ml-1 text-emerald-400">✓</span> : null}
      </span>
    ),
  }),
  col.accessor("weiPerTflopsHour", {
    id: "price_per_tflops",
    header: "ETH / TFLOPS-h",
    meta: { numeric: true },
    cell: ({ getValue }) => <span title={ethExact(getValue())}>{ethShort(getValue())}</span>,
  }),
  col.display({
    id: "reliability",
    header: "Reliability",
    meta: { numeric: true },
    cell: ({ row }) => {
      const p = row.original.provider;
      return (
        <span title={`${p.jobsCompleted} jobs completed, ${p.jobsExpired} no-shows`}>
          {percent(p.reliabilityBps)}
          <span className="block text-xs text-zinc-400">
            {count(p.jobsCompleted)} done
            {p.jobsExpired ? ` · ${count(p.jobsExpired)} no-show` : ""}
          </span>
        </span>
      );
    },
  }),
  col.display({
    id: "stake",
    header: "Stake",
    meta: { numeric: true },
    cell: ({ row }) => {
      const p = row.original.provider;
      return (
        <span title={`${p.name} (${p.address}) stakes ${ethExact(p.stake)}`}>
          {p.stake > 0n ? `${ethShort(p.stake)} ETH` : <Badge tone="red">none</Badge>}
          <span className="block text-xs text-zinc-400">{shortAddress(p.address)}</span>
        </span>
      );
    },
  }),
  col.display({
    id: "use",
    header: () => <span className="sr-only">Action</span>,
    cell: ({ row }) => (
      <Link
        href={newJobHref(row.original)}
        className={buttonClass("secondary", "sm")}
        aria-label={`Use ${row.original.gpuName} in ${row.original.region} at ${ethShort(row.original.askWeiPerGpuHour)} ETH per GPU-hour`}
      >
        Use
      </Link>
    ),
  }),
]);

const sortable = new Set(["price", "price_per_tflops", "vram"]);

/**
 * The offers as a table from tablet width up, and on a phone as one card per offer, so nothing
 * scrolls sideways (only one of the two is displayed; the other is display:none for everyone).
 */
export function OfferTable({ offers, sort }: { offers: BrowseOffer[]; sort: SortLinks }) {
  return (
    <>
      <div className="hidden md:block">
        <OfferGrid offers={offers} sort={sort} />
      </div>
      <ul className="space-y-3 md:hidden" aria-label="GPU offers">
        {offers.map((o) => (
          <OfferCard key={o.id} offer={o} />
        ))}
      </ul>
    </>
  );
}

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-400">{label}</dt>
      <dd className="font-mono text-zinc-200 tabular-nums">{children}</dd>
    </div>
  );
}

function OfferCard({ offer: o }: { offer: BrowseOffer }) {
  const p = o.provider;
  return (
    <li
      data-testid="offer-card"
      className="rounded-xl border border-zinc-800 bg-zinc-900/40 p-4 text-sm"
    >
      <div className="flex items-start justify-between gap-3">
        <div className="min-w-0">
          <p className="font-medium text-zinc-100">
            {o.gpuName}
            <span className="text-zinc-400"> ×{o.gpusTotal}</span>
          </p>
          <p className="text-xs text-zinc-400">
            {o.region} · {o.vramGb} GB · {o.gpusFree} of {o.gpusTotal} free
          </p>
        </div>
        <p className="shrink-0 text-right">
          <span
            className="font-mono text-base whitespace-nowrap text-zinc-50"
            title={`${ethExact(o.askWeiPerGpuHour)} per GPU-hour`}
          >
            {ethShort(o.askWeiPerGpuHour)} ETH
          </span>
          <span className="block text-xs text-zinc-400">per GPU-hour</span>
        </p>
      </div>
      <dl className="mt-3 grid grid-cols-3 gap-x-3 gap-y-2">
        <Fact label="TFLOPS">
          {Math.round(o.tflops)}
          {o.measured ? <span className="ml-1 text-emerald-400">✓</span> : null}
        </Fact>
        <Fact label="ETH / TFLOPS-h">
          <span title={ethExact(o.weiPerTflopsHour)}>{ethShort(o.weiPerTflopsHour)}</span>
        </Fact>
        <Fact label="Reliability">
          <span title={`${p.jobsCompleted} jobs completed, ${p.jobsExpired} no-shows`}>
            {percent(p.reliabilityBps)}
          </span>
        </Fact>
      </dl>
      <div className="mt-3 flex items-end justify-between gap-3">
        <p
          className="text-xs text-zinc-400"
          title={`${p.name} (${p.address}) stakes ${ethExact(p.stake)}`}
        >
          Stake{" "}
          {p.stake > 0n ? (
            <span className="font-mono text-zinc-200">{ethShort(p.stake)} ETH</span>
          ) : (
            <Badge tone="red">none</Badge>
          )}{" "}
          · {count(p.jobsCompleted)} done
          {p.jobsExpired ? ` · ${count(p.jobsExpired)} no-show` : ""}
          <span className="block">{shortAddress(p.address)}</span>
        </p>
        <Link
          href={newJobHref(o)}
          className={buttonClass("secondary", "sm")}
          aria-label={`Use ${o.gpuName} in ${o.region} at ${ethShort(o.askWeiPerGpuHour)} ETH per GPU-hour`}
        >
          Use
        </Link>
      </div>
    </li>
  );
}

function OfferGrid({ offers, sort }: { offers: BrowseOffer[]; sort: SortLinks }) {
  const table = useTable({
    features,
    columns,
    data: offers,
    getRowId: (o) => o.id,
  });
  return (
    <div className="relative overflow-x-auto rounded-xl border border-zinc-800">
      <table className="w-full border-collapse text-sm">
        <caption className="sr-only">GPU offers, {sort.current.replaceAll("_", " ")} order</caption>
        <thead className="bg-zinc-900/80 text-left text-xs text-zinc-400">
          {table.getHeaderGroups().map((group) => (
            <tr key={group.id}>
              {group.headers.map((header) => {
                const id = header.column.id as keyof SortLinks["hrefs"];
                const numeric = (header.column.columnDef.meta as { numeric?: boolean } | undefined)
                  ?.numeric;
                const direction: SortDirection | false =
                  sortable.has(id) && sort.current === id
                    ? id === "vram"
                      ? "desc"
                      : "asc"
                    : false;
                return (
                  <th
                    key={header.id}
                    scope="col"
                    aria-sort={
                      direction ? (direction === "asc" ? "ascending" : "descending") : undefined
                    }
                    className={cn(
                      "px-3 py-2.5 font-medium whitespace-nowrap",
                      numeric && "text-right",
                    )}
                  >
                    {sortable.has(id) ? (
                      <Link
                        href={sort.hrefs[id]}
                        scroll={false}
                        className={cn("hover:text-zinc-100", direction && "text-emerald-300")}
                      >
                        <table.FlexRender header={header} />
                        {direction ? (direction === "asc" ? " ↑" : " ↓") : null}
                      </Link>
                    ) : (
                      <table.FlexRender header={header} />
                    )}
                  </th>
                );
              })}
            </tr>
          ))}
        </thead>
        <tbody className="divide-y divide-zinc-800/80">
          {table.getRowModel().rows.map((row) => (
            <tr key={row.id} className="hover:bg-zinc-900/60" data-testid="offer-row">
              {row.getAllCells().map((cell) => {
                const numeric = (cell.column.columnDef.meta as { numeric?: boolean } | undefined)
                  ?.numeric;
                return (
                  <td
                    key={cell.id}
                    className={cn(
                      "px-3 py-2.5 whitespace-nowrap text-zinc-200",
                      numeric && "text-right font-mono tabular-nums",
                    )}
                  >
                    <table.FlexRender cell={cell} />
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
