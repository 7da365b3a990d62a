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

export function OfferTable({ offers, sort }: { offers: BrowseOffer[]; sort: SortLinks }) {
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
