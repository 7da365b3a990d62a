import type { Metadata } from "next";
import { Empty, tableClass, tdClass, thClass } from "@/components/provider/figure";
import { SignInFirst } from "@/components/provider/sign-in-first";
import { Amount } from "@/components/ui/amount";
import { PageHeader, Panel } from "@/components/ui/page-header";
import type { AlternativeReason } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { gpuName, marketParts } from "@/lib/market/gpu-catalog";
import { type MissedMatches, missedMatchesOf } from "@/lib/services/providers/dashboard";
import { providerContext } from "../context";

export const metadata: Metadata = { title: "Missed matches" };

const reasonText: Record<AlternativeReason, string> = {
  price: "on price",
  capacity: "on free GPUs",
  offline: "while offline",
  busy: "to a concurrent match",
  reliability: "on track record",
  age: "to an older listing",
  stake: "on free stake",
  minStake: "on the minimum stake",
};

/** The row's own words: a stake loss says what was short. */
const lostText = (r: AlternativeReason) =>
  r === "stake"
    ? "not enough free stake"
    : r === "minStake"
      ? "stake below the market's minimum"
      : reasonText[r];

export default async function MissedPage() {
  const ctx = await providerContext();
  if (!ctx) return <SignInFirst what="Missed matches" />;
  let missed: MissedMatches;
  try {
    missed = await missedMatchesOf(ctx.db, ctx.session.address);
  } catch (error) {
    if (error instanceof AppError && error.code === "forbidden") {
      return (
        <Panel title="Register first">
          <p>Missed matches are counted for your offers once you are registered and listed.</p>
        </Panel>
      );
    }
    throw error;
  }
  const reasons = Object.entries(missed.byReason) as [AlternativeReason, number][];
  return (
    <div className="space-y-6">
      <PageHeader title="Missed matches">
        Jobs your offers were in the running for and another offer won, with why and what would have
        won them. A job that needed more collateral than your free stake shows here when your offer
        would otherwise have won it: stake more, or finish running jobs to free their collateral.
      </PageHeader>
      {missed.matches.length === 0 ? (
        <Empty title="No missed matches">
          None of your offers has lost a job it could have taken.
        </Empty>
      ) : (
        <>
          <p className="text-zinc-200" data-testid="missed-summary">
            Lost {missed.matches.length} job{missed.matches.length === 1 ? "" : "s"}:{" "}
            {reasons.map(([r, n]) => `${n} ${reasonText[r]}`).join(", ")}.
          </p>
          <div className="relative overflow-x-auto">
            <table className={tableClass}>
              <thead>
                <tr>
                  <th className={thClass}>When</th>
                  <th className={thClass}>Market</th>
                  <th className={thClass}>Lost</th>
                  <th className={`${thClass} text-right`}>Your ask</th>
                  <th className={`${thClass} text-right`}>Winner&apos;s ask</th>
                  <th className={thClass}>Would have won with</th>
                </tr>
              </thead>
              <tbody>
                {missed.matches.map((m) => {
                  const { gpuModel, region } = marketParts(m.market);
                  return (
                    <tr
                      key={`${m.leaseId}-${m.offerId}`}
                      className="border-t border-zinc-800"
                      data-testid="missed-match"
                    >
                      <td className={tdClass}>
                        {m.at.toISOString().slice(0, 16).replace("T", " ")} UTC
                      </td>
                      <td className={tdClass}>
                        {gpuName(gpuModel)} × {m.gpuCount}, {region}
                      </td>
                      <td className={tdClass}>{lostText(m.reason)}</td>
                      <td className={`${tdClass} text-right`}>
                        <Amount wei={m.yourAsk} unit="ETH/GPU-h" />
                      </td>
                      <td className={`${tdClass} text-right`}>
                        <Amount wei={m.winningAsk} unit="ETH/GPU-h" />
                      </td>
                      <td className={tdClass}>{m.fix}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
