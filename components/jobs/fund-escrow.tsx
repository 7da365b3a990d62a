"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { jobStatus } from "@/app/actions/market";
import { Amount } from "@/components/ui/amount";
import { Countdown } from "@/components/ui/countdown";
import { TxButton } from "@/components/web3/tx-button";
import { formatDuration, ratePerGpuHour } from "@/lib/web3/amounts";
import { fundJobCall, fundJobValue } from "@/lib/web3/fund-job";

const POLL_MS = 2_000;

/**
 * The escrow step of a job: waits for the provider's signed quote (polling the job's status),
 * shows what is sent and locked and until when the quote holds, then sends `fundJob` from the
 * wallet through the one transaction hook. Embedded by /jobs/new after submit and by the job page.
 */
export function FundEscrow({ jobId }: { jobId: string }) {
  const [funded, setFunded] = useState(false);
  const status = useQuery({
    queryKey: ["job-status", jobId],
    queryFn: async () => {
      const result = await jobStatus({ jobId });
      if (!result.ok) throw new Error(result.message);
      return result.data;
    },
    // Poll while someone else (the provider's signer, the indexer) has the next move.
    refetchInterval: (query) => {
      const s = query.state.data?.job.status;
      return s === "pending" || s === "matched" || (s === "quoted" && funded) ? POLL_MS : false;
    },
  });

  if (status.isPending) {
    return <Card title="Escrow">Loading the job…</Card>;
  }
  if (status.isError) {
    return (
      <Card title="Escrow">
        <p role="alert" className="text-red-300">
          Could not read the job: {status.error.message}
        </p>
      </Card>
    );
  }
  const { job, quote, placement } = status.data;
  if (job.status === "pending") {
    return (
      <Card title="Escrow">
        No offer fits this job yet; it is queued and will be matched when one does. Nothing to pay
        until then.
      </Card>
    );
  }
  if (job.status === "matched" || (job.status === "quoted" && !quote)) {
    return (
      <Card title="Waiting for the provider's signature">
        <p aria-live="polite">
          GPUs are reserved for this job. The provider signs a price quote for them; you can fund
          the escrow as soon as it arrives.
        </p>
      </Card>
    );
  }
  if (job.status === "cancelled" || job.status === "expired") {
    return <Card title="Escrow">This job is {job.status}; nothing can be funded.</Card>;
  }
  if (job.status !== "quoted" || !quote) {
    return (
      <Card title="Escrow funded">
        The escrow is locked on chain.{" "}
        <Link className="text-emerald-300 underline" href={`/jobs/${jobId}`}>
          Open the job
        </Link>
      </Card>
    );
  }

  const value = fundJobValue(quote.message);
  const expiresAt = new Date(Number(quote.message.expiresAt) * 1000);
  const gpus = placement?.gpuCount ?? 1;
  return (
    <Card title="Quote ready: fund the escrow">
      <dl className="grid grid-cols-2 gap-x-4 gap-y-2 text-sm">
        <dt className="text-zinc-400">You send and lock</dt>
        <dd className="text-right text-base font-semibold text-zinc-50" data-testid="fund-amount">
          <Amount wei={value} />
        </dd>
        <dt className="text-zinc-400">Rate</dt>
        <dd className="text-right">
          <Amount wei={ratePerGpuHour(quote.message.ratePerSecond, gpus)} unit="ETH/GPU-h" /> ×{" "}
          {gpus}
        </dd>
        <dt className="text-zinc-400">Longest run</dt>
        <dd className="text-right">{formatDuration(Number(quote.message.maxSeconds))}</dd>
        <dt className="text-zinc-400">Quote expires</dt>
        <dd className="text-right">
          <Countdown to={expiresAt} ended="expired" />
        </dd>
      </dl>
      <p className="text-xs text-zinc-400">
        You pay only for the seconds used: when the result is in and its challenge window ends, the
        unused escrow comes back to your balance on the market, to withdraw from the job page.
      </p>
      {funded ? (
        <p aria-live="polite" className="text-sm text-emerald-300">
          Funded.{" "}
          <Link className="underline" href={`/jobs/${jobId}`}>
            Open the job
          </Link>
        </p>
      ) : (
        <TxButton
          marketAddress={quote.domain.verifyingContract}
          call={fundJobCall(quote)}
          label="Fund escrow"
          onConfirmed={() => setFunded(true)}
        />
      )}
    </Card>
  );
}

function Card({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <section
      aria-label={title}
      className="space-y-3 rounded-xl border border-zinc-800 bg-zinc-900/40 p-5"
    >
      <h2 className="text-base font-medium text-zinc-100">{title}</h2>
      <div className="space-y-3 text-sm text-zinc-300">{children}</div>
    </section>
  );
}
