import type { Metadata } from "next";
import Link from "next/link";
import { JobStatusBadge } from "@/components/jobs/status-badge";
import { When } from "@/components/jobs/when";
import { Amount } from "@/components/ui/amount";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { shortAddress } from "@/components/wallet/short-address";
import { getDb } from "@/db";
import { getSession } from "@/lib/auth/session";
import { gpuName, marketParts } from "@/lib/market/gpu-catalog";
import { buyerJobs, type JobFilter, jobFilterOf, jobFilters } from "@/lib/services/jobs/buyer";

export const metadata: Metadata = { title: "Jobs" };

const filterLabels: Record<JobFilter, string> = {
  all: "All",
  waiting: "Waiting",
  active: "Active",
  settled: "Settled",
  cancelled: "Cancelled",
};

export default async function JobsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const session = await getSession();
  if (!session) {
    return (
      <main className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
        <PageHeader title="Jobs">
          Every job you submit, from matching through escrow, the run, the result and settlement.
        </PageHeader>
        <Panel title="Sign in to see your jobs">
          <p>
            Jobs belong to the wallet that submitted them. Connect your wallet and sign in with the
            button at the top right.
          </p>
        </Panel>
      </main>
    );
  }
  const filter = jobFilterOf((await searchParams).status);
  const jobs = await buyerJobs(await getDb(), session.address, filter);
  const now = new Date();
  return (
    <main className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeader title="Jobs">
          Every job you submitted, newest first, with what it cost and what came back to you.
        </PageHeader>
        <Link
          href="/jobs/new"
          className="rounded-lg bg-emerald-500 px-3.5 py-2 text-sm font-medium text-zinc-950 hover:bg-emerald-400"
        >
          Submit a job
        </Link>
      </div>
      <h2 className="mt-3 mb-4 text-sm text-zinc-400">
        Signed in as {shortAddress(session.address)}
      </h2>
      <nav aria-label="Filter by status" className="mb-4 flex flex-wrap gap-1">
        {(Object.keys(jobFilters) as JobFilter[]).map((f) => (
          <Link
            key={f}
            href={f === "all" ? "/jobs" : `/jobs?status=${f}`}
            aria-current={f === filter ? "page" : undefined}
            className={`rounded-md px-3 py-1.5 text-sm ${
              f === filter
                ? "bg-zinc-800 text-zinc-50"
                : "text-zinc-400 hover:bg-zinc-900 hover:text-zinc-100"
            }`}
          >
            {filterLabels[f]}
          </Link>
        ))}
      </nav>
      {jobs.length === 0 ? (
        <section className="rounded-xl border border-dashed border-zinc-800 p-10 text-center">
          <h3 className="text-base font-medium text-zinc-100">
            {filter === "all" ? "No jobs yet" : `No ${filterLabels[filter].toLowerCase()} jobs`}
          </h3>
          <p className="mt-2 text-sm text-zinc-400">
            {filter === "all"
              ? "Describe a job, get matched to GPUs, and pay into escrow only for the seconds used."
              : "Jobs in this state will be listed here."}
          </p>
          <Link
            href="/jobs/new"
            className="mt-5 inline-block rounded-lg bg-emerald-500 px-3.5 py-2 text-sm font-medium text-zinc-950 hover:bg-emerald-400"
          >
            Submit a job
          </Link>
        </section>
      ) : (
        <div className="overflow-x-auto rounded-xl border border-zinc-800">
          <table className="w-full min-w-[640px] text-left text-sm">
            <caption className="sr-only">Your jobs, newest first</caption>
            <thead className="bg-zinc-900/60 text-xs uppercase tracking-wide text-zinc-400">
              <tr>
                <th scope="col" className="px-4 py-3 font-medium">
                  Job
                </th>
                <th scope="col" className="px-4 py-3 font-medium">
                  GPUs
                </th>
                <th scope="col" className="px-4 py-3 font-medium">
                  Status
                </th>
                <th scope="col" className="px-4 py-3 text-right font-medium">
                  Escrow / cost
                </th>
                <th scope="col" className="px-4 py-3 text-right font-medium">
                  Refund
                </th>
                <th scope="col" className="px-4 py-3 font-medium">
                  Updated
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-800/70">
              {jobs.map((job) => {
                const model = job.market
                  ? gpuName(marketParts(job.market).gpuModel)
                  : job.gpuModels.map(gpuName).join(" / ") || "Any GPU";
                return (
                  <tr key={job.id} className="hover:bg-zinc-900/40">
                    <td className="px-4 py-3">
                      <Link
                        href={`/jobs/${job.id}`}
                        className="font-mono text-emerald-300 hover:underline"
                      >
                        {job.id.slice(0, 8)}
                      </Link>
                      <div className="max-w-48 truncate text-xs text-zinc-400" title={job.image}>
                        {job.image}
                      </div>
                    </td>
                    <td className="px-4 py-3">
                      {model} × {job.gpuCount}
                    </td>
                    <td className="px-4 py-3">
                      <JobStatusBadge status={job.status} />
                    </td>
                    <td className="px-4 py-3 text-right">
                      {job.cost !== null ? (
                        <Amount wei={job.cost} />
                      ) : job.escrow !== null ? (
                        <Amount wei={job.escrow} />
                      ) : (
                        <span className="text-zinc-400">—</span>
                      )}
                    </td>
                    <td className="px-4 py-3 text-right">
                      {job.refund !== null ? (
                        <Amount wei={job.refund} />
                      ) : (
                        <span className="text-zinc-400">—</span>
                      )}
                    </td>
                    <td className="px-4 py-3 text-zinc-400">
                      <When at={job.updatedAt} now={now} />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
