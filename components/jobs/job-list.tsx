import Link from "next/link";
import { Amount } from "@/components/ui/amount";
import { buttonClass } from "@/components/ui/button";
import { Table, TBody, Td, THead, Th, Tr } from "@/components/ui/table";
import type { ConsumerJobRow } from "@/db/queries/consumer-jobs";
import { gpuName, marketParts } from "@/lib/market/gpu-catalog";
import { JobStatusBadge } from "./status-badge";
import { When } from "./when";

function gpusOf(job: ConsumerJobRow): string {
  const model = job.market
    ? gpuName(marketParts(job.market).gpuModel)
    : job.gpuModels.map(gpuName).join(" / ") || "Any GPU";
  return `${model} × ${job.gpuCount}`;
}

function Money({ wei }: { wei: bigint | null }) {
  return wei !== null ? <Amount wei={wei} /> : <span className="text-zinc-400">—</span>;
}

function JobLink({ job }: { job: ConsumerJobRow }) {
  return (
    <Link href={`/jobs/${job.id}`} className="font-mono text-emerald-300 hover:underline">
      {job.id.slice(0, 8)}
    </Link>
  );
}

/**
 * The buyer's jobs: a table from tablet width up, and on a phone one card per job, so nothing
 * scrolls sideways. Only one of the two is displayed (the other is display:none, so neither
 * screen readers nor the keyboard meet it twice).
 */
export function JobList({ jobs, now }: { jobs: ConsumerJobRow[]; now: Date }) {
  return (
    <>
      <div className="hidden md:block">
        <Table>
          <caption className="sr-only">Your jobs, newest first</caption>
          <THead>
            <tr>
              <Th>Job</Th>
              <Th>GPUs</Th>
              <Th>Status</Th>
              <Th numeric>Escrow / cost</Th>
              <Th numeric>Refund</Th>
              <Th>Updated</Th>
            </tr>
          </THead>
          <TBody>
            {jobs.map((job) => (
              <Tr key={job.id} data-testid="job-row">
                <Td>
                  <JobLink job={job} />
                  <div className="max-w-48 truncate text-xs text-zinc-400" title={job.image}>
                    {job.image}
                  </div>
                </Td>
                <Td>{gpusOf(job)}</Td>
                <Td>
                  <JobStatusBadge status={job.status} />
                </Td>
                <Td numeric>
                  <Money wei={job.cost ?? job.escrow} />
                </Td>
                <Td numeric>
                  <Money wei={job.refund} />
                </Td>
                <Td className="text-zinc-400">
                  <When at={job.updatedAt} now={now} />
                </Td>
              </Tr>
            ))}
          </TBody>
        </Table>
      </div>
      <ul className="space-y-3 md:hidden" aria-label="Your jobs, newest first">
        {jobs.map((job) => (
          <li
            key={job.id}
            data-testid="job-card"
            className="rounded-xl border border-zinc-800 bg-zinc-900/40 p-4 text-sm"
          >
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <JobLink job={job} />
                <p className="truncate text-xs text-zinc-400" title={job.image}>
                  {job.image}
                </p>
              </div>
              <JobStatusBadge status={job.status} />
            </div>
            <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-2">
              <div>
                <dt className="text-xs text-zinc-400">GPUs</dt>
                <dd className="text-zinc-200">{gpusOf(job)}</dd>
              </div>
              <div>
                <dt className="text-xs text-zinc-400">Updated</dt>
                <dd className="text-zinc-200">
                  <When at={job.updatedAt} now={now} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-zinc-400">Escrow / cost</dt>
                <dd className="font-mono text-zinc-200">
                  <Money wei={job.cost ?? job.escrow} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-zinc-400">Refund</dt>
                <dd className="font-mono text-zinc-200">
                  <Money wei={job.refund} />
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Previous / next links for a list paged on the server, with "page X of Y · N jobs". */
export function Pager({
  page,
  pages,
  total,
  hrefFor,
}: {
  page: number;
  pages: number;
  total: number;
  hrefFor: (page: number) => string;
}) {
  return (
    <nav aria-label="Pages" className="mt-4 flex items-center justify-between gap-3 text-sm">
      {page > 1 ? (
        <Link href={hrefFor(page - 1)} className={buttonClass("secondary", "sm")}>
          ← Newer
        </Link>
      ) : (
        <span />
      )}
      <span className="text-zinc-400" data-testid="jobs-summary">
        Page {page} of {pages} · {total} {total === 1 ? "job" : "jobs"}
      </span>
      {page < pages ? (
        <Link href={hrefFor(page + 1)} className={buttonClass("secondary", "sm")}>
          Older →
        </Link>
      ) : (
        <span />
      )}
    </nav>
  );
}
