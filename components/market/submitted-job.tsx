"use client";

import Link from "next/link";
import { useEffect, useRef } from "react";
import { FundEscrow } from "@/components/jobs/fund-escrow";
import { StatusBadge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { gpuName } from "@/lib/market/gpu-catalog";
import type { JobOutcome } from "@/lib/services/jobs/actions";
import { ethExact, ethShort } from "./format";

/**
 * The job after submit: what was reserved, then FundEscrow, which waits for the provider's
 * signed quote, shows what is sent and locked, and funds the escrow from the wallet.
 */
export function SubmittedJob({ outcome }: { outcome: JobOutcome }) {
  const p = outcome.placement;
  const escrow = p ? p.ratePerSecond * BigInt(p.maxSeconds) : null;
  const card = useRef<HTMLElement>(null);
  // On a phone the card appears below the long form, out of sight: bring it into view and
  // move the focus to it, so a screen reader hears the outcome too.
  useEffect(() => {
    const el = card.current;
    if (!el) return;
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    el.scrollIntoView({ behavior: reduce ? "auto" : "smooth", block: "start" });
    el.focus({ preventScroll: true });
  }, []);
  return (
    <section
      ref={card}
      tabIndex={-1}
      aria-labelledby="submitted-title"
      className="scroll-mt-4 rounded-xl border border-emerald-800/60 bg-zinc-900/60 p-5 outline-none"
      data-testid="submitted-job"
    >
      <div className="flex items-center justify-between gap-3">
        <h2 id="submitted-title" className="text-sm font-medium text-zinc-100">
          Job submitted
        </h2>
        <StatusBadge status={outcome.job.status} />
      </div>
      {p && escrow !== null ? (
        <>
          <p className="mt-2 text-sm text-zinc-300">
            {gpuName(p.market.split("/")[0] ?? "")} ×{p.gpuCount} in {p.market.split("/")[1]} at{" "}
            <span className="font-mono">{ethShort(p.pricePerGpuHour)} ETH/GPU-h</span>; escrow{" "}
            <span className="font-mono" title={ethExact(escrow)}>
              {ethShort(escrow)} ETH
            </span>
          </p>
          <div className="mt-4">
            <FundEscrow jobId={outcome.job.id} />
          </div>
          <Link
            href={`/jobs/${outcome.job.id}`}
            className="mt-3 inline-block text-sm text-emerald-400 underline"
          >
            Open the job page
          </Link>
        </>
      ) : (
        <div className="mt-2 space-y-2 text-sm text-zinc-300">
          <p>
            Queued: no offer fits it right now. It is matched as soon as a provider lists capacity
            that does.
          </p>
          {outcome.noMatch ? <p className="text-zinc-400">{outcome.noMatch.message}</p> : null}
          <Link href={`/jobs/${outcome.job.id}`} className={buttonClass("secondary", "sm")}>
            Follow this job
          </Link>
        </div>
      )}
    </section>
  );
}
