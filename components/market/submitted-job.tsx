"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { jobStatus } from "@/app/actions/market";
import { StatusBadge } from "@/components/ui/badge";
import { buttonClass } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { gpuName } from "@/lib/market/gpu-catalog";
import type { JobOutcome } from "@/lib/services/jobs/actions";
import { ethExact, ethShort } from "./format";

const POLL_MS = 3_000;
/** Statuses in which the job is waiting on someone else and the card keeps asking. */
const waiting = new Set(["matched", "quoted", "pending"]);

function Step({
  done,
  current,
  children,
}: {
  done: boolean;
  current: boolean;
  children: React.ReactNode;
}) {
  return (
    <li className="flex items-start gap-3">
      <span
        aria-hidden
        className={cn(
          "mt-1 size-2.5 shrink-0 rounded-full",
          done ? "bg-emerald-400" : current ? "animate-pulse bg-sky-400" : "bg-zinc-700",
        )}
      />
      <span className={cn(done || current ? "text-zinc-100" : "text-zinc-500")}>
        {children}
        <span className="sr-only">{done ? " (done)" : current ? " (now)" : " (next)"}</span>
      </span>
    </li>
  );
}

/**
 * The job after submit: its placement and each step to funding, refreshed from the server
 * (jobStatus) while it waits on the provider's signature or on capacity.
 */
export function SubmittedJob({ outcome: first }: { outcome: JobOutcome }) {
  const [outcome, setOutcome] = useState(first);
  const status = outcome.job.status;
  useEffect(() => {
    if (!waiting.has(status)) return;
    const timer = setInterval(async () => {
      const next = await jobStatus({ jobId: first.job.id });
      if (next.ok) setOutcome(next.data);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [status, first.job.id]);

  const p = outcome.placement;
  const escrow = p ? p.ratePerSecond * BigInt(p.maxSeconds) : null;
  const signed = outcome.quote !== null;
  const funded = !waiting.has(status) && status !== "cancelled";
  return (
    <section
      aria-labelledby="submitted-title"
      className="rounded-xl border border-emerald-800/60 bg-zinc-900/60 p-5"
      data-testid="submitted-job"
    >
      <div className="flex items-center justify-between gap-3">
        <h2 id="submitted-title" className="text-sm font-medium text-zinc-100">
          Job submitted
        </h2>
        <StatusBadge status={status} />
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
          <ol className="mt-4 space-y-2 text-sm" aria-label="Progress">
            <Step done current={false}>
              GPUs reserved
            </Step>
            <Step done={signed} current={!signed}>
              {signed ? "Provider signed the quote" : "Waiting for the provider's signature…"}
            </Step>
            <Step done={funded} current={signed && !funded}>
              {funded ? "Escrow funded" : "Fund the escrow from your wallet"}
            </Step>
          </ol>
          {/* FundEscrow (components/jobs/fund-escrow.tsx) takes this place once it is on main. */}
          <Link
            href={`/jobs/${outcome.job.id}`}
            className={cn(buttonClass(signed ? "primary" : "secondary"), "mt-5 w-full")}
          >
            {signed ? "Fund escrow on the job page" : "Follow this job"}
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
