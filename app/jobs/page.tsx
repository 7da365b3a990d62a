import type { Metadata } from "next";
import Link from "next/link";
import { JobList, Pager } from "@/components/jobs/job-list";
import { buttonClass } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { shortAddress } from "@/components/wallet/short-address";
import { getDb } from "@/db";
import { getSession } from "@/lib/auth/session";
import { buyerJobs, type JobFilter, jobFilters } from "@/lib/services/jobs/buyer";
import { loadJobList, serializeJobList } from "./search-params";

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
  const { status: filter, page } = await loadJobList(searchParams);
  const jobs = await buyerJobs(await getDb(), session.address, filter, page);
  const now = new Date();
  return (
    <main className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <PageHeader title="Jobs">
          Every job you submitted, newest first, with what it cost and what came back to you.
        </PageHeader>
        <Link href="/jobs/new" className={buttonClass()}>
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
            href={`/jobs${serializeJobList({ status: f })}`}
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
      {jobs.total === 0 ? (
        <EmptyState
          title={filter === "all" ? "No jobs yet" : `No ${filterLabels[filter].toLowerCase()} jobs`}
          action={
            <Link href="/jobs/new" className={buttonClass()}>
              Submit a job
            </Link>
          }
        >
          {filter === "all"
            ? "Describe a job, get matched to GPUs, and pay into escrow only for the seconds used."
            : "Jobs in this state will be listed here."}
        </EmptyState>
      ) : (
        <>
          <JobList jobs={jobs.items} now={now} />
          <Pager
            page={jobs.page}
            pages={jobs.pages}
            total={jobs.total}
            hrefFor={(page) => `/jobs${serializeJobList({ status: filter, page })}`}
          />
        </>
      )}
    </main>
  );
}
