/**
 * Concurrency storm: several server processes on one Postgres, each with many clients, run a
 * mix of submits, cancels, offer edits, pauses and resumes, provider status flips, quote expiry
 * sweeps and lifecycle steps through the real services for a while; then the database is checked:
 * no GPU allocated twice, every job's status agrees with its lease, no job lost or duplicated,
 * every aggregate's event chain unbroken, no deadlock seen by Postgres, and no client told
 * "internal error". The last line printed is one JSON object; the exit status is 1 when an
 * invariant broke.
 *
 * Run: npm run bench:storm   (env: STORM_SECONDS 60, STORM_PROCESSES 2, STORM_CLIENTS 8 per
 * process, DATABASE_URL or a throwaway cluster)
 */
import { fork } from "node:child_process";
import os from "node:os";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { type Db, openDb, queryRows } from "@/db/client";
import { conflictStats } from "@/db/retry";
import type { Session } from "@/lib/auth/session";
import { AppError } from "@/lib/errors";
import { submitJobAction } from "@/lib/services/jobs/actions";
import {
  markFinalized,
  markFunded,
  markRunning,
  markSubmitted,
} from "@/lib/services/lifecycle/advance";
import { cancelJob } from "@/lib/services/lifecycle/cancel";
import { sweepExpiredQuotes } from "@/lib/services/lifecycle/expiry";
import { changeOfferStatus, updateOffer } from "@/lib/services/offers/offers";
import { changeProviderStatus } from "@/lib/services/providers/providers";
import { registerLocalSigner } from "@/lib/services/quotes/signers";
import {
  jobInput,
  seedOffer,
  seedProvider,
  sessionOf,
  testKey,
  wallet,
} from "@/lib/services/testing";
import { startTempPostgres } from "../lib/temp-postgres";

const SECONDS = Number(process.env.STORM_SECONDS ?? 60);
const PROCESSES = Number(process.env.STORM_PROCESSES ?? 2);
const CLIENTS = Number(process.env.STORM_CLIENTS ?? 8);
const PROVIDERS = 6;
const CONSUMERS = 24;
const MODELS = ["a100-80gb", "h100-80gb", "l40s-48gb"] as const;
const log = (line: string) => process.stderr.write(`${line}\n`);

type Counts = Record<string, number>;
type WorkerReport = { ops: Counts; refused: Counts; failures: string[]; deadlocks: number };

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)] as T;

async function randomJob(db: Db, statuses: readonly string[]) {
  const rows = await queryRows<{ id: string; consumer: string; status: string }>(
    db,
    sql`select id, consumer, status from jobs
        where status = any(${`{${statuses.join(",")}}`}::text[])
        order by random() limit 1`,
  );
  return rows[0];
}

async function randomOffer(db: Db) {
  const rows = await queryRows<{ id: string; address: string; status: string }>(
    db,
    sql`select o.id, p.address, o.status from offers o join providers p on p.id = o.provider_id
        where o.status <> 'removed' order by random() limit 1`,
  );
  return rows[0];
}

/** One client: picks an operation at random, again and again, until the deadline. */
async function client(db: Db, deadline: number, report: WorkerReport) {
  const count = (bag: Counts, key: string) => {
    bag[key] = (bag[key] ?? 0) + 1;
  };
  while (Date.now() < deadline) {
    const roll = Math.random();
    let op = "";
    try {
      if (roll < 0.45) {
        op = "submit";
        const consumer = sessionOf(wallet(0xc000 + Math.floor(Math.random() * CONSUMERS)));
        const result = await submitJobAction.run(
          jobInput({
            gpuModels: [pick(MODELS)],
            gpuCount: 1 + Math.floor(Math.random() * 4),
            maxPricePerGpuHour: String(900_000_000_000_000 + Math.floor(Math.random() * 4) * 1e14),
          }),
          { session: consumer as Session, db },
        );
        if (!result.ok) {
          if (result.code === "internal") report.failures.push(`submit: ${result.message}`);
          else count(report.refused, `submit:${result.code}`);
        }
      } else if (roll < 0.55) {
        op = "cancel";
        const job = await randomJob(db, ["pending", "matched", "quoted"]);
        if (job) await cancelJob(db, job.consumer, job.id);
      } else if (roll < 0.65) {
        op = "offer_edit";
        const offer = await randomOffer(db);
        if (offer) {
          await updateOffer(db, offer.address, {
            offerId: offer.id,
            askWeiPerGpuHour: BigInt(800_000_000_000_000 + Math.floor(Math.random() * 6) * 1e14),
          });
        }
      } else if (roll < 0.72) {
        op = "pause_resume";
        const offer = await randomOffer(db);
        if (offer) {
          await changeOfferStatus(
            db,
            offer.address,
            offer.id,
            offer.status === "active" ? "pause" : "resume",
          );
        }
      } else if (roll < 0.75) {
        op = "provider_status";
        const n = 1 + Math.floor(Math.random() * PROVIDERS);
        await changeProviderStatus(
          db,
          wallet(0x1000 + n),
          Math.random() < 0.5 ? "offline" : "online",
        );
      } else if (roll < 0.8) {
        op = "expiry";
        await sweepExpiredQuotes(db, new Date(Date.now() + (Math.random() < 0.5 ? 0 : 3600_000)));
      } else {
        op = "lifecycle";
        const job = await randomJob(db, ["quoted", "funded", "running", "submitted"]);
        if (job) {
          const tx = `0x${Math.floor(Math.random() * 1e12).toString(16)}`;
          if (job.status === "quoted") await markFunded(db, job.id, tx);
          else if (job.status === "funded") await markRunning(db, job.id);
          else if (job.status === "running") await markSubmitted(db, job.id, tx);
          else await markFinalized(db, job.id);
        }
      }
      count(report.ops, op);
    } catch (error) {
      if (error instanceof AppError && error.code !== "internal") {
        count(report.refused, `${op}:${error.code}`);
      } else {
        report.failures.push(`${op}: ${error instanceof Error ? error.name : String(error)}`);
      }
    }
  }
}

async function worker(url: string) {
  const { db, close } = await openDb({ driver: "postgres", url, poolSize: CLIENTS + 2 });
  for (let n = 1; n <= PROVIDERS; n++) registerLocalSigner(testKey(n));
  const report: WorkerReport = { ops: {}, refused: {}, failures: [], deadlocks: 0 };
  const deadline = Date.now() + SECONDS * 1000;
  await Promise.all(Array.from({ length: CLIENTS }, () => client(db, deadline, report)));
  report.deadlocks = conflictStats().deadlocks;
  await close();
  process.send?.(report);
}

async function seed(db: Db) {
  for (let n = 1; n <= PROVIDERS; n++) {
    // With 100 ETH of stake recorded as the indexer would (seedProvider): more than the
    // collateral of every job its GPUs can hold, so stake never decides the storm's placements.
    const p = await seedProvider(db, n);
    for (const model of MODELS) {
      await seedOffer(db, p.address, {
        gpuModel: model,
        gpusTotal: 4 + n * 2,
        askWeiPerGpuHour: String(800_000_000_000_000 + n * 1e14),
      });
    }
  }
}

/** What must hold after the storm: for each rule, the rows that break it (all 0 when it holds). */
async function invariants(db: Db): Promise<Record<string, number>> {
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`with holding as (
          select * from leases where status in ('reserved', 'quoted', 'funded', 'running')),
        per_offer as (
          select o.id, o.gpus_total - o.gpus_free as used, o.gpus_free,
                 coalesce((select sum(h.gpu_count) from holding h where h.offer_id = o.id), 0) as held
          from offers o),
        per_job as (
          select j.id, j.status, count(h.id) as leases, min(h.status) as lease_status
          from jobs j left join holding h on h.job_id = j.id group by j.id, j.status),
        chain as (
          select aggregate_id, from_status,
                 lag(to_status) over (partition by aggregate_id order by id) as previous
          from market_events where from_status is not null)
        select
          (select count(*) from per_offer where used <> held)::int as offers_gpus_disagree_with_leases,
          (select count(*) from per_offer where gpus_free < 0)::int as offers_over_allocated,
          (select count(*) from per_job where leases > 1)::int as jobs_with_two_leases,
          (select count(*) from per_job
             where (status in ('matched', 'quoted', 'funded', 'running')) <> (leases = 1))::int
            as jobs_status_disagrees_with_lease,
          (select count(*) from per_job where leases = 1 and lease_status <> case status
             when 'matched' then 'reserved' else status end)::int as leases_in_wrong_state,
          (select count(*) from chain where previous is not null and previous <> from_status)::int
            as broken_event_chains,
          (select count(*) from jobs j where not exists (
             select 1 from market_events e where e.aggregate_id = j.id and e.type = 'job.submitted'))::int
            as jobs_without_submit_event,
          (select count(*) - count(distinct (consumer, idempotency_key)) from jobs)::int
            as duplicated_jobs`,
  );
  return row ?? {};
}

async function main() {
  const role = process.argv[2];
  if (role === "worker") return worker(process.argv[3] as string);
  const temp = process.env.DATABASE_URL ? undefined : await startTempPostgres();
  const url = process.env.DATABASE_URL ?? (temp?.url as string);
  try {
    const { db, close } = await openDb({ driver: "postgres", url, poolSize: 4 });
    await seed(db);
    const [deadlocksBefore] = await queryRows<{ n: number }>(
      db,
      sql`select deadlocks::int as n from pg_stat_database where datname = current_database()`,
    );
    log(`storm: ${PROCESSES} processes x ${CLIENTS} clients for ${SECONDS} s`);
    const reports = await Promise.all(
      Array.from(
        { length: PROCESSES },
        () =>
          new Promise<WorkerReport>((resolve, reject) => {
            const child = fork(fileURLToPath(import.meta.url), ["worker", url], {
              execArgv: process.execArgv,
              stdio: ["ignore", "inherit", "inherit", "ipc"],
            });
            let report: WorkerReport | undefined;
            child.on("message", (m) => {
              report = m as WorkerReport;
            });
            child.on("exit", (code) =>
              report ? resolve(report) : reject(new Error(`a worker exited with ${code}`)),
            );
          }),
      ),
    );
    // Postgres flushes its counters within a second of a backend going idle.
    await new Promise((r) => setTimeout(r, 1500));
    const [deadlocksAfter] = await queryRows<{ n: number }>(
      db,
      sql`select deadlocks::int as n from pg_stat_database where datname = current_database()`,
    );
    const broken = await invariants(db);
    const [totals] = await queryRows<Record<string, number>>(
      db,
      sql`select count(*)::int as jobs,
                 count(*) filter (where status = 'pending')::int as pending,
                 count(*) filter (where status in ('matched', 'quoted'))::int as placed_unfunded,
                 count(*) filter (where status in ('funded', 'running', 'submitted', 'finalized'))::int as funded_or_later,
                 count(*) filter (where status = 'cancelled')::int as cancelled
          from jobs`,
    );
    await close();
    const sum = (key: "ops" | "refused") =>
      reports.reduce<Counts>((all, r) => {
        for (const [k, v] of Object.entries(r[key])) all[k] = (all[k] ?? 0) + v;
        return all;
      }, {});
    const failures = reports.flatMap((r) => r.failures);
    const result = {
      bench: "storm",
      machine: {
        cpus: os.cpus().length,
        model: os.cpus()[0]?.model,
        memGb: Math.round(os.totalmem() / 2 ** 30),
      },
      seconds: SECONDS,
      processes: PROCESSES,
      clientsPerProcess: CLIENTS,
      operations: sum("ops"),
      refusals: sum("refused"),
      internalFailures: failures.length,
      failureSamples: [...new Set(failures)].slice(0, 5),
      deadlocksRetried: reports.reduce((n, r) => n + r.deadlocks, 0),
      deadlocksSeenByPostgres: (deadlocksAfter?.n ?? 0) - (deadlocksBefore?.n ?? 0),
      jobs: totals,
      broken,
    };
    const ok =
      failures.length === 0 &&
      result.deadlocksSeenByPostgres === 0 &&
      Object.values(broken).every((v) => v === 0);
    console.log(JSON.stringify({ ...result, ok }));
    process.exitCode = ok ? 0 : 1;
  } finally {
    temp?.stop();
  }
}

void main();
