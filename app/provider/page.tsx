import type { Metadata } from "next";
import Link from "next/link";
import { Figure } from "@/components/provider/figure";
import { GettingStarted } from "@/components/provider/getting-started";
import { RegisterForm } from "@/components/provider/register-form";
import { Amount } from "@/components/ui/amount";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { agentStatus } from "@/lib/services/agent/heartbeat";
import { providerEarnings } from "@/lib/services/chain/provider";
import { chainNowMs } from "@/lib/services/jobs/chain-clock";
import { providerOverview } from "@/lib/services/providers/dashboard";
import { providerContext } from "./context";

export const metadata: Metadata = { title: "Provider" };

export default async function ProviderPage() {
  const ctx = await providerContext();
  if (!ctx) {
    return (
      <>
        <PageHeader title="Provider">
          Sell GPU time: stake, list your GPUs, run the node agent, and claim what buyers pay.
        </PageHeader>
        <Panel title="Sign in to start providing">
          <p>
            Connect the wallet you will stake from and sign in with the button at the top right. The
            steps from there are listed here, each marked as you finish it.
          </p>
        </Panel>
      </>
    );
  }
  const { db, session } = ctx;
  const overview = await providerOverview(db, session.address);
  const now = new Date(await chainNowMs());
  const [earnings, agent] = await Promise.all([
    providerEarnings(db, session.address, { from: now, to: now, now }),
    // Heartbeats are on the server's clock, not the chain's.
    overview.provider ? agentStatus(db, overview.provider.id) : Promise.resolve(null),
  ]);
  const { stake, offers } = overview;
  const gpus = offers.reduce((s, o) => s + o.gpusTotal, 0);
  const busy = offers.reduce((s, o) => s + (o.gpusTotal - o.gpusFree), 0);
  return (
    <div className="space-y-8">
      <PageHeader title={overview.provider ? overview.provider.name : "Become a provider"}>
        Your stake, your offers and your earnings on the ComputeMarket contract.
      </PageHeader>
      {overview.setupDone ? null : (
        <GettingStarted steps={overview.steps} minStake={overview.market?.minStake ?? 0n} />
      )}
      {overview.provider ? null : (
        <Panel title="Register">
          <RegisterForm />
        </Panel>
      )}
      <section aria-labelledby="summary" className="rounded-xl border border-zinc-800 p-6">
        <h2 id="summary" className="sr-only">
          Summary
        </h2>
        <dl className="grid grid-cols-2 gap-6 md:grid-cols-4">
          <Figure
            label="Claimable"
            testId="claimable"
            note={
              <Link className="text-emerald-300 hover:underline" href="/provider/earnings">
                Earnings
              </Link>
            }
          >
            <Amount wei={earnings.claimable} />
          </Figure>
          <Figure
            label="Free stake"
            note={
              <Link className="text-emerald-300 hover:underline" href="/provider/stake">
                of <Amount wei={stake.stake} /> staked
              </Link>
            }
          >
            <Amount wei={stake.freeStake} />
          </Figure>
          <Figure
            label="GPUs busy"
            note={`${offers.length} offer${offers.length === 1 ? "" : "s"} listed`}
          >
            {busy} <span className="text-sm text-zinc-400">of {gpus}</span>
          </Figure>
          <Figure
            label="Agent"
            note={
              agent
                ? `${agent.tflops ? `${agent.tflops.toFixed(0)} TFLOPS measured · ` : ""}last heard ${agent.lastHeartbeatAt.toISOString().slice(11, 19)} UTC`
                : "no heartbeat yet"
            }
          >
            {agent ? (agent.silent ? "silent" : agent.providerStatus) : "not connected"}
          </Figure>
        </dl>
      </section>
    </div>
  );
}
