import type { Metadata } from "next";
import { Empty, tableClass, tdClass, thClass } from "@/components/provider/figure";
import { SignInFirst } from "@/components/provider/sign-in-first";
import { Amount } from "@/components/ui/amount";
import { PageHeader } from "@/components/ui/page-header";
import type { ChainJobStatus } from "@/db/schema/chain";
import { gpuName } from "@/lib/market/gpu-catalog";
import { JOBS_SERVED_LISTED, jobsServed } from "@/lib/services/providers/dashboard";
import { formatDuration } from "@/lib/web3/amounts";
import { providerContext } from "../context";

export const metadata: Metadata = { title: "Jobs served" };

const outcome: Record<ChainJobStatus, { text: string; tone: string }> = {
  funded: { text: "funded, not started", tone: "bg-amber-500/15 text-amber-200" },
  running: { text: "running", tone: "bg-amber-500/15 text-amber-200" },
  submitted: { text: "result in, challenge window", tone: "bg-violet-500/15 text-violet-200" },
  disputed: { text: "disputed", tone: "bg-red-500/15 text-red-200" },
  finalized: { text: "paid", tone: "bg-emerald-500/15 text-emerald-200" },
  resolved: { text: "dispute resolved", tone: "bg-emerald-500/15 text-emerald-200" },
  expired: { text: "expired: slashed", tone: "bg-red-500/15 text-red-200" },
};

export default async function JobsServedPage() {
  const ctx = await providerContext();
  if (!ctx) return <SignInFirst what="The jobs you served" />;
  const jobs = await jobsServed(ctx.db, ctx.session.address);
  return (
    <div className="space-y-6">
      <PageHeader title="Jobs served">
        Every job a buyer funded on your GPUs, newest first, with how it ended and what it paid you
        (net of the fee).
      </PageHeader>
      {jobs.length === 0 ? (
        <Empty title="No jobs yet">Jobs appear here once a buyer funds one of your quotes.</Empty>
      ) : (
        <div className="relative overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr>
                <th className={thClass}>Job</th>
                <th className={thClass}>GPUs</th>
                <th className={thClass}>Outcome</th>
                <th className={`${thClass} text-right`}>Used</th>
                <th className={`${thClass} text-right`}>Escrow</th>
                <th className={`${thClass} text-right`}>Paid to you</th>
                <th className={thClass}>Funded</th>
              </tr>
            </thead>
            <tbody>
              {jobs.map((j) => (
                <tr
                  key={j.chainJobId}
                  className="border-t border-zinc-800"
                  data-testid="served-job"
                >
                  <td className={`${tdClass} font-mono`} title={j.chainJobId}>
                    {j.chainJobId.slice(0, 10)}…
                  </td>
                  <td className={tdClass}>
                    {j.gpuModel ? `${gpuName(j.gpuModel)} × ${j.gpuCount}` : "—"}
                  </td>
                  <td className={tdClass}>
                    <span className={`rounded-full px-2 py-0.5 text-xs ${outcome[j.status].tone}`}>
                      {outcome[j.status].text}
                    </span>
                  </td>
                  <td className={`${tdClass} text-right tabular-nums`}>
                    {j.usedSeconds === null ? "—" : formatDuration(Number(j.usedSeconds))}
                  </td>
                  <td className={`${tdClass} text-right`}>
                    <Amount wei={j.escrow} />
                  </td>
                  <td className={`${tdClass} text-right`}>
                    {j.providerAmount === null ? (
                      <span className="text-zinc-400">not settled</span>
                    ) : (
                      <Amount wei={j.providerAmount} />
                    )}
                    {j.slashed ? (
                      <span className="block text-xs text-red-300">
                        slashed <Amount wei={j.slashed} />
                      </span>
                    ) : null}
                  </td>
                  <td className={tdClass}>
                    {j.fundedAt.toISOString().slice(0, 16).replace("T", " ")} UTC
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {jobs.length === JOBS_SERVED_LISTED ? (
            <p className="mt-2 text-xs text-zinc-400">
              The newest {JOBS_SERVED_LISTED} jobs are shown.
            </p>
          ) : null}
        </div>
      )}
    </div>
  );
}
