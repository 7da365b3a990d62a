import type { Metadata } from "next";
import { Empty } from "@/components/provider/figure";
import { ResolveForm } from "@/components/provider/resolve-form";
import { SignInFirst } from "@/components/provider/sign-in-first";
import { Address } from "@/components/ui/address";
import { Amount } from "@/components/ui/amount";
import { Countdown } from "@/components/ui/countdown";
import { PageHeader, Panel } from "@/components/ui/page-header";
import type { DisputedJob } from "@/db/queries/provider-pages";
import { chainConfig } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { gpuName } from "@/lib/market/gpu-catalog";
import { disputesForArbiter } from "@/lib/services/chain/arbiter";
import { chainNowMs } from "@/lib/services/jobs/chain-clock";
import { formatDuration } from "@/lib/web3/amounts";
import { providerContext } from "../context";

export const metadata: Metadata = { title: "Arbiter" };

const utc = (d: Date | null) => (d ? `${d.toISOString().slice(0, 19).replace("T", " ")} UTC` : "—");

export default async function ArbiterPage() {
  const ctx = await providerContext();
  if (!ctx) return <SignInFirst what="Disputes" />;
  let disputes: DisputedJob[];
  try {
    disputes = await disputesForArbiter(ctx.db, ctx.session.address);
  } catch (error) {
    if (error instanceof AppError && error.code === "forbidden") {
      return (
        <Panel title="Arbiter only">
          <p>{error.message}</p>
        </Panel>
      );
    }
    throw error;
  }
  const now = await chainNowMs();
  const marketAddress = chainConfig().marketAddress;
  return (
    <div className="space-y-8">
      <PageHeader title="Disputes">
        Jobs a buyer disputed inside the challenge window. Weigh both sides, then split the billed
        cost and decide any slash. Undecided at the timeout, anyone may settle with the job&apos;s
        default split and no slash.
      </PageHeader>
      {disputes.length === 0 ? (
        <Empty title="No open disputes">
          Disputed jobs appear here as soon as they are indexed.
        </Empty>
      ) : (
        disputes.map((d) => (
          <article
            key={d.chainJobId}
            className="space-y-5 rounded-xl border border-zinc-800 p-6"
            data-testid="dispute"
          >
            <header className="flex flex-wrap items-baseline justify-between gap-3">
              <h2 className="font-mono text-lg text-zinc-50" title={d.chainJobId}>
                Job {d.chainJobId.slice(0, 10)}…
              </h2>
              <p className="text-sm text-zinc-300">
                Default split{" "}
                <Countdown
                  to={d.disputeEndsAt}
                  now={now}
                  clockOffsetMs={now - Date.now()}
                  ended="available now"
                />{" "}
                ({d.disputeDefaultPayBps / 100} % to the provider)
              </p>
            </header>
            <div className="grid gap-6 md:grid-cols-2">
              <section aria-label="Buyer" className="space-y-2 text-sm">
                <h3 className="font-medium text-zinc-100">Buyer</h3>
                <p>
                  <Address value={d.consumer} label="buyer address" />
                </p>
                <p className="text-zinc-400">
                  Paid into escrow <Amount wei={d.escrow} /> for up to{" "}
                  {formatDuration(Number(d.maxSeconds))}.
                </p>
                <p className="text-zinc-400">Disputed {utc(d.disputedAt)}.</p>
              </section>
              <section aria-label="Provider" className="space-y-2 text-sm">
                <h3 className="font-medium text-zinc-100">
                  Provider {d.providerName ? `· ${d.providerName}` : ""}
                </h3>
                <p>
                  <Address value={d.provider} label="provider address" />
                </p>
                <p className="text-zinc-400">
                  Started {utc(d.startedAt)}; result {utc(d.submittedAt)} after{" "}
                  <strong className="text-zinc-200">{formatDuration(Number(d.usedSeconds))}</strong>{" "}
                  used.
                </p>
                <p className="break-all text-zinc-400">
                  Result hash <span className="font-mono">{d.resultHash ?? "—"}</span>
                </p>
                <p className="text-zinc-400">
                  Record: {d.providerSettledJobs} settled job
                  {d.providerSettledJobs === 1 ? "" : "s"}, {d.providerSlashedJobs} slashed.
                  Collateral at stake <Amount wei={d.collateral} />.
                </p>
              </section>
            </div>
            <p className="text-sm text-zinc-300">
              {d.gpuModel ? `${gpuName(d.gpuModel)} × ${d.gpuCount}. ` : ""}Billed for the time
              used: <Amount wei={d.ratePerSecond * d.usedSeconds} /> (fee {d.feeBps / 100} %).
            </p>
            {marketAddress ? (
              <ResolveForm
                marketAddress={marketAddress}
                chainJobId={d.chainJobId}
                terms={{
                  ratePerSecond: d.ratePerSecond.toString(),
                  usedSeconds: d.usedSeconds.toString(),
                  escrow: d.escrow.toString(),
                  collateral: d.collateral.toString(),
                  feeBps: d.feeBps,
                }}
              />
            ) : null}
          </article>
        ))
      )}
    </div>
  );
}
