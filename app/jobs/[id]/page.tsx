import type { Metadata } from "next";
import { notFound } from "next/navigation";
import type { Hex } from "viem";
import { AutoRefresh } from "@/components/jobs/auto-refresh";
import { CancelJobButton } from "@/components/jobs/cancel-job-button";
import { ChainActions, WithdrawButton } from "@/components/jobs/chain-actions";
import { FundEscrow } from "@/components/jobs/fund-escrow";
import { JobOutputView } from "@/components/jobs/job-output";
import { JobTimelineList } from "@/components/jobs/job-timeline";
import { JobStatusBadge } from "@/components/jobs/status-badge";
import { When } from "@/components/jobs/when";
import { Amount } from "@/components/ui/amount";
import { Countdown } from "@/components/ui/countdown";
import { Panel } from "@/components/ui/page-header";
import { getDb } from "@/db";
import { getSession } from "@/lib/auth/session";
import { chainConfig } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { gpuName, marketParts } from "@/lib/market/gpu-catalog";
import { jobOutput } from "@/lib/services/agent/job-output";
import { type BuyerJobDetail, buyerJobDetail } from "@/lib/services/jobs/buyer";
import { chainNowMs } from "@/lib/services/jobs/chain-clock";
import { buyerActions } from "@/lib/services/jobs/job-actions";
import { formatDuration } from "@/lib/web3/amounts";

export const metadata: Metadata = { title: "Job" };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WAITING = new Set(["pending", "matched", "funded", "running", "disputed"]);

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await getSession();
  if (!session) {
    return (
      <main className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
        <Panel title="Sign in to see this job">
          <p>Jobs belong to the wallet that submitted them. Sign in with the button at the top.</p>
        </Panel>
      </main>
    );
  }
  if (!UUID.test(id)) notFound();
  let detail: BuyerJobDetail;
  try {
    detail = await buyerJobDetail(await getDb(), session.address, id);
  } catch (error) {
    if (error instanceof AppError && error.code === "not_found") notFound();
    throw error;
  }
  const { job, timeline, placement } = detail;
  // What the provider's node reported (logs, result): the consumer's own, like the job.
  const output = await jobOutput(await getDb(), session.address, job.id);
  const now = await chainNowMs();
  const offset = now - Date.now();
  const chainJob = timeline?.job ?? null;
  const actions = buyerActions(job.status, chainJob, detail.withdrawable, now);
  const marketAddress = chainConfig().marketAddress;
  const model = placement
    ? gpuName(marketParts(placement.market).gpuModel)
    : job.gpuModels.map(gpuName).join(" / ") || "Any GPU";
  const settled = chainJob?.settledAt != null;
  const countdowns: { label: string; to: Date; ended: string }[] = [];
  if (job.status === "quoted" && placement) {
    countdowns.push({ label: "Quote expires", to: placement.quoteExpiresAt, ended: "expired" });
  }
  if (timeline?.deadlines.startDeadline) {
    countdowns.push({
      label: "Start grace ends",
      to: timeline.deadlines.startDeadline,
      ended: "passed: the provider did not start",
    });
  }
  if (timeline?.deadlines.deadline) {
    countdowns.push({ label: "Deadline", to: timeline.deadlines.deadline, ended: "passed" });
  }
  if (timeline?.deadlines.challengeEndsAt) {
    countdowns.push({
      label: "Challenge window closes",
      to: timeline.deadlines.challengeEndsAt,
      ended: "closed",
    });
  }
  if (timeline?.deadlines.disputeEndsAt) {
    countdowns.push({
      label: "Dispute timeout",
      to: timeline.deadlines.disputeEndsAt,
      ended: "passed",
    });
  }

  return (
    <main className="mx-auto max-w-6xl space-y-8 px-4 py-12 sm:px-6">
      {WAITING.has(job.status) ? <AutoRefresh /> : null}
      <header className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <h1 className="flex flex-wrap items-center gap-3 text-2xl font-semibold tracking-tight text-zinc-50">
            Job <span className="font-mono text-xl">{job.id.slice(0, 8)}</span>
            <JobStatusBadge status={job.status} />
          </h1>
          <p className="mt-1 text-sm text-zinc-400">
            {model} × {job.gpuCount} · submitted <When at={job.createdAt} now={new Date(now)} />
          </p>
          {job.status === "cancelled" ? (
            // Stays after the refresh that removes the Cancel button and its own message.
            <p className="mt-2 text-sm text-zinc-300">
              Cancelled. The reserved GPUs went back to the market.
            </p>
          ) : null}
        </div>
        <div className="flex flex-wrap items-start gap-3">
          {actions.cancel ? <CancelJobButton jobId={job.id} /> : null}
          {marketAddress ? (
            <ChainActions
              marketAddress={marketAddress}
              chainJobId={(detail.chainJobId as Hex | null) ?? null}
              actions={actions}
            />
          ) : null}
        </div>
      </header>

      {job.status === "quoted" || job.status === "matched" ? <FundEscrow jobId={job.id} /> : null}

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[3fr_2fr]">
        <Panel title="Timeline">
          <JobTimelineList
            createdAt={job.createdAt}
            steps={detail.steps}
            timeline={timeline}
            settledOffChain={job.status === "cancelled" || (job.status === "expired" && !timeline)}
          />
        </Panel>
        <section
          aria-label="Money"
          className="space-y-4 rounded-xl border border-zinc-800 bg-zinc-900/40 p-6"
        >
          <h2 className="text-base font-medium text-zinc-100">Money</h2>
          <dl className="grid grid-cols-2 gap-y-2 text-sm">
            {chainJob ? (
              <>
                <dt className="text-zinc-400">Escrow</dt>
                <dd className="text-right" data-testid="escrow">
                  <Amount wei={chainJob.escrow} />
                </dd>
                <dt className="text-zinc-400">Provider collateral</dt>
                <dd className="text-right">
                  <Amount wei={chainJob.collateral} />
                </dd>
                {chainJob.usedSeconds !== null ? (
                  <>
                    <dt className="text-zinc-400">Time used</dt>
                    <dd className="text-right">{formatDuration(Number(chainJob.usedSeconds))}</dd>
                    <dt className="text-zinc-400">Cost</dt>
                    <dd className="text-right">
                      <Amount wei={chainJob.ratePerSecond * chainJob.usedSeconds} />
                    </dd>
                  </>
                ) : null}
                {settled && chainJob.consumerAmount !== null ? (
                  <>
                    <dt className="text-zinc-400">Back to you</dt>
                    <dd className="text-right" data-testid="refund">
                      <Amount wei={chainJob.consumerAmount} />
                    </dd>
                  </>
                ) : null}
              </>
            ) : placement ? (
              <>
                <dt className="text-zinc-400">Escrow to fund</dt>
                <dd className="text-right">
                  <Amount wei={placement.ratePerSecond * BigInt(placement.maxSeconds)} />
                </dd>
              </>
            ) : (
              <p className="col-span-2 text-zinc-400">
                Nothing is escrowed: no provider holds this job.
              </p>
            )}
            <dt className="text-zinc-400">Withdrawable refund</dt>
            <dd className="text-right" data-testid="withdrawable">
              <Amount wei={detail.withdrawable} />
            </dd>
          </dl>
          {actions.withdraw && marketAddress ? (
            <WithdrawButton marketAddress={marketAddress} />
          ) : null}
          <div>
            <h3 className="text-sm font-medium text-zinc-200">Countdowns</h3>
            {countdowns.length === 0 ? (
              <p className="text-sm text-zinc-400">No deadline applies now.</p>
            ) : (
              <ul className="mt-1 space-y-1 text-sm">
                {countdowns.map((c) => (
                  <li key={c.label} className="flex justify-between gap-3">
                    <span className="text-zinc-400">{c.label}</span>
                    <Countdown to={c.to} ended={c.ended} now={now} clockOffsetMs={offset} />
                  </li>
                ))}
              </ul>
            )}
          </div>
        </section>
      </div>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Panel title="Logs and result">
          <JobOutputView
            jobId={job.id}
            output={output}
            resultHashOnChain={chainJob?.resultHash ?? null}
          />
        </Panel>
        <Panel title="Spec">
          <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1">
            <dt>Image</dt>
            <dd className="break-all font-mono text-zinc-200">{job.image}</dd>
            <dt>Command</dt>
            <dd className="break-all font-mono text-zinc-200">{job.command || "—"}</dd>
            <dt>Longest run</dt>
            <dd className="text-zinc-200">{job.maxHours} h</dd>
            {job.env.map((v) => (
              <div key={v.name} className="contents">
                <dt className="font-mono">{v.name}</dt>
                <dd className="font-mono text-zinc-200">
                  {v.secret ? (
                    <span title="Secret: sent once, never shown">{v.value} (secret)</span>
                  ) : (
                    v.value
                  )}
                </dd>
              </div>
            ))}
          </dl>
        </Panel>
      </div>
    </main>
  );
}
