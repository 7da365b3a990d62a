import { Skeleton } from "@/components/ui/skeleton";

/** The table's shape while the offers stream in. */
export function OfferTableSkeleton() {
  return (
    <div role="status" aria-label="Loading offers" className="space-y-4">
      <Skeleton className="h-6 w-64" />
      <div className="space-y-2 rounded-xl border border-zinc-800 p-3">
        {Array.from({ length: 8 }, (_, i) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: placeholder rows have no identity
          <Skeleton key={i} className="h-9 w-full" />
        ))}
      </div>
      <span className="sr-only">Loading offers…</span>
    </div>
  );
}
