import type { Metadata } from "next";
import { Empty, Figure, tableClass, tdClass, thClass } from "@/components/provider/figure";
import { SignInFirst } from "@/components/provider/sign-in-first";
import {
  RequestUnstake,
  SetSigner,
  StakeMore,
  WithdrawStake,
} from "@/components/provider/stake-actions";
import { Amount } from "@/components/ui/amount";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { chainConfig } from "@/lib/env";
import { chainNowMs } from "@/lib/services/jobs/chain-clock";
import { providerOverview } from "@/lib/services/providers/dashboard";
import { providerContext } from "../context";

export const metadata: Metadata = { title: "Stake" };

export default async function StakePage() {
  const ctx = await providerContext();
  if (!ctx) return <SignInFirst what="Stake and slashes" />;
  const [overview, now] = await Promise.all([
    providerOverview(ctx.db, ctx.session.address),
    chainNowMs(),
  ]);
  const { stake, market, provider } = overview;
  const marketAddress = chainConfig().marketAddress;
  const minStake = market?.minStake ?? 0n;
  return (
    <div className="space-y-8">
      <PageHeader title="Stake">
        Stake backs the jobs you take. Each funded job locks a share of its escrow as collateral
        until it settles; a no-show or a lost dispute slashes part of it to the buyer.
      </PageHeader>
      <section aria-labelledby="position" className="rounded-xl border border-zinc-800 p-6">
        <h2 id="position" className="sr-only">
          Your position on chain
        </h2>
        <dl className="grid grid-cols-2 gap-6 md:grid-cols-4">
          <Figure label="Stake" testId="stake-total" note="all of it, locked and pending included">
            <Amount wei={stake.stake} />
          </Figure>
          <Figure
            label="Locked by running jobs"
            testId="stake-locked"
            note="returns as each job settles"
          >
            <Amount wei={stake.locked} />
          </Figure>
          <Figure label="Pending unstake" testId="stake-pending" note="leaving after the cooldown">
            <Amount wei={stake.pendingUnstake} />
          </Figure>
          <Figure label="Free stake" testId="stake-free" note="backs new jobs; can be unstaked">
            <Amount wei={stake.freeStake} />
          </Figure>
        </dl>
        <p className="mt-4 text-sm text-zinc-400">
          Free = stake − locked − pending. You are matched while stake − pending is at least{" "}
          <Amount wei={minStake} /> and your free stake covers a job&apos;s collateral
          {market ? ` (${market.collateralBps / 100} % of its escrow)` : ""}.
        </p>
      </section>
      {marketAddress ? (
        // min-w-0 and the break: the signer's 42-character address would otherwise set the
        // column's width and push every box past a phone's screen.
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2 [&>*]:min-w-0 [&_.font-mono]:break-all">
          <StakeMore marketAddress={marketAddress} />
          <RequestUnstake
            marketAddress={marketAddress}
            freeStake={stake.freeStake}
            pending={stake.pendingUnstake}
            cooldownSeconds={market?.unstakeCooldownSeconds ?? 0}
          />
          <WithdrawStake
            marketAddress={marketAddress}
            pending={stake.pendingUnstake}
            readyAt={stake.unstakeReadyAt?.toISOString() ?? null}
            clockOffsetMs={now - Date.now()}
            serverNow={now}
          />
          <SetSigner
            marketAddress={marketAddress}
            current={stake.signer}
            suggested={provider?.signerAddress ?? null}
            // No re-save of the market profile after a rotation: the indexer moves the
            // profile's signer when the chain's SignerSet is confirmed (lib/indexer/apply-signers.ts).
            profile={null}
          />
        </div>
      ) : (
        <Panel title="No contract configured">
          <p>This server has no ComputeMarket address for its chain, so nothing can be sent.</p>
        </Panel>
      )}
      <section aria-labelledby="slashes" className="space-y-3">
        <h2 id="slashes" className="text-lg font-medium text-zinc-100">
          Slashes{" "}
          <span className="text-sm text-zinc-400">
            (<Amount wei={stake.slashedTotal} /> in all)
          </span>
        </h2>
        {stake.slashes.length === 0 ? (
          <Empty title="No slashes">Start every job you fund in time and none will come.</Empty>
        ) : (
          <div className="relative overflow-x-auto">
            <table className={tableClass}>
              <thead>
                <tr>
                  <th className={thClass}>Job</th>
                  <th className={thClass}>Reason</th>
                  <th className={`${thClass} text-right`}>Amount</th>
                  <th className={thClass}>When</th>
                  <th className={thClass}>Transaction</th>
                </tr>
              </thead>
              <tbody>
                {stake.slashes.map((s) => (
                  <tr key={s.txHash + s.jobId} className="border-t border-zinc-800">
                    <td className={`${tdClass} font-mono`} title={s.jobId}>
                      {s.jobId.slice(0, 10)}…
                    </td>
                    <td className={tdClass}>
                      {s.cause === "no_show"
                        ? "No-show: not started in the grace period"
                        : `Dispute lost (${(s.slashBps ?? 0) / 100} % of collateral)`}
                    </td>
                    <td className={`${tdClass} text-right`}>
                      <Amount wei={s.amount} />
                    </td>
                    <td className={tdClass}>
                      {s.blockTime.toISOString().slice(0, 16).replace("T", " ")} UTC
                    </td>
                    <td className={`${tdClass} font-mono`} title={s.txHash}>
                      {s.txHash.slice(0, 10)}…
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
