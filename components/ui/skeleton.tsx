import { cn } from "./cn";

/** A placeholder block while data streams in; hidden from screen readers (the region says "Loading"). */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden className={cn("animate-pulse rounded-md bg-zinc-800/70", className)} />;
}
