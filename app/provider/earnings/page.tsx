import type { Metadata } from "next";
import Link from "next/link";
import { formatEther } from "viem";
import { EarningsCharts } from "@/components/provider/earnings-charts";
import { Empty, Figure, tableClass, tdClass, thClass } from "@/components/provider/figure";
import { SignInFirst } from "@/components/provider/sign-in-first";
import { explorerOf, TxLink } from "@/components/provider/tx-link";
import { Amount } from "@/components/ui/amount";
import { PageHeader } from "@/components/ui/page-header";
import { TxButton } from "@/components/web3/tx-button";
import { chainConfig } from "@/lib/env";
import { addDays } from "@/lib/services/chain/days";
import { chainNowMs } from "@/lib/services/jobs/chain-clock";
import { earningsPage } from "@/lib/services/providers/dashboard";
import { formatEth } from "@/lib/web3/amounts";
import { providerContext } from "../context";

export const metadata: Metadata = { title: "Earnings" };

const ranges = [7, 30, 90, 365] as const;

export default async function EarningsPage({
  searchParams,
}: {
  searchParams: Promise<{ days?: string }>;
}) {
  const ctx = await providerContext();
  if (!ctx) return <SignInFirst what="Earnings" />;
  const asked = Number((await searchParams).days);
  const days = (ranges as readonly number[]).includes(asked) ? asked : 30;
  // The chain's clock places the days and totals (a devnet's runs ahead after time travel).
  const now = new Date(await chainNowMs());
  const page = await earningsPage(ctx.db, ctx.session.address, {
    from: addDays(now, -(days - 1)),
    to: now,
    now,
  });
  const { chain, marketAddress } = chainConfig();
  const explorer = explorerOf(chain);
  const chartDays = page.days.map((d, i) => ({
    day: d.day.toISOString().slice(0, 10),
    // Drawing only: the chart's scale needs numbers; every figure shown as text stays exact.
    eth: Number(formatEther(d.amount)),
    utilization: page.utilization[i]?.utilization ?? null,
  }));
  const rangeTotal = page.days.reduce((s, d) => s + d.amount, 0n);
  return (
    <div className="space-y-8">
      <PageHeader title="Earnings">
        What buyers paid you, net of the market fee, credited on the contract as each job settles.
        Claim moves it to your wallet.
      </PageHeader>
      <section
        aria-labelledby="balance"
        className="grid gap-6 rounded-xl border border-zinc-800 p-6 md:grid-cols-[2fr_3fr]"
      >
        <div className="space-y-3">
          <h2 id="balance" className="text-xs tracking-wide text-zinc-400 uppercase">
            Claimable now
          </h2>
          <p className="text-3xl font-semibold text-zinc-50" data-testid="claimable">
            <Amount wei={page.claimable} />
          </p>
          {marketAddress ? (
            <TxButton
              marketAddress={marketAddress}
              label="Claim"
              call={{ functionName: "withdraw" }}
              disabledReason={page.claimable === 0n ? "Nothing to claim yet." : undefined}
            >
              {page.claimable === 0n ? "Claim" : `Claim ${formatEth(page.claimable)} ETH`}
            </TxButton>
          ) : null}
        </div>
        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-3">
          <Figure label="This week" note="UTC, from Monday">
            <Amount wei={page.totals.week} />
          </Figure>
          <Figure label="This month">
            <Amount wei={page.totals.month} />
          </Figure>
          <Figure label="All time" note={`${formatEth(page.claimed)} ETH claimed`}>
            <Amount wei={page.totals.allTime} />
          </Figure>
        </dl>
      </section>
      <section aria-labelledby="per-day" className="space-y-3">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="per-day" className="text-lg font-medium text-zinc-100">
            Last {days} days: <Amount wei={rangeTotal} />
            {page.listedGpus > 0 ? (
              <span className="ml-2 text-sm font-normal text-zinc-400">
                over {page.listedGpus} listed GPUs
              </span>
            ) : null}
          </h2>
          <nav aria-label="Range" className="flex gap-1">
            {ranges.map((r) => (
              <Link
                key={r}
                href={`/provider/earnings?days=${r}`}
                aria-current={r === days ? "page" : undefined}
                className={`rounded-md px-2.5 py-1 text-sm ${r === days ? "bg-zinc-800 text-zinc-50" : "text-zinc-400 hover:text-zinc-100"}`}
              >
                {r} d
              </Link>
            ))}
          </nav>
        </div>
        <EarningsCharts days={chartDays} />
        <p className="text-xs text-zinc-400">
          Utilization: GPU-hours your jobs ran each day over the GPU-hours you had listed that day
          (active or paused offers, at their size then; today up to now).
        </p>
      </section>
      <section aria-labelledby="claims" className="space-y-3">
        <h2 id="claims" className="text-lg font-medium text-zinc-100">
          Claimed ({page.claimCount})
        </h2>
        {page.claims.length === 0 ? (
          <Empty title="Nothing claimed yet">
            Claims you make appear here with their transaction.
          </Empty>
        ) : (
          <div className="relative overflow-x-auto">
            <table className={tableClass}>
              <thead>
                <tr>
                  <th className={thClass}>When</th>
                  <th className={`${thClass} text-right`}>Amount</th>
                  <th className={thClass}>Transaction</th>
                </tr>
              </thead>
              <tbody>
                {page.claims.map((c) => (
                  <tr key={c.txHash} className="border-t border-zinc-800" data-testid="claim">
                    <td className={tdClass}>
                      {c.blockTime.toISOString().slice(0, 16).replace("T", " ")} UTC
                    </td>
                    <td className={`${tdClass} text-right`}>
                      <Amount wei={c.amount} />
                    </td>
                    <td className={tdClass}>
                      <TxLink hash={c.txHash} explorer={explorer} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
