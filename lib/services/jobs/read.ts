import "server-only";
import type { Executor } from "@/db/client";
import { type JobRow, jobById } from "@/db/queries/jobs";
import { offersInMarkets } from "@/db/queries/offers";
import { AppError } from "@/lib/errors";
import { describeNoMatch, type NoMatchView } from "@/lib/market/messages";
import { explainNoMatch } from "@/lib/matching/explain";
import { marketsFor, toMatchJob } from "../placement/candidates";

/** Why a job cannot be placed right now, and what would place it (reads every offer it could use). */
export async function explainJob(executor: Executor, job: JobRow): Promise<NoMatchView> {
  const want = toMatchJob(job);
  const offers = await offersInMarkets(executor, marketsFor(want));
  return describeNoMatch(explainNoMatch(want, offers));
}

/** A job that exists and belongs to the consumer, or a not_found that reveals nothing. */
export async function ownJob(executor: Executor, consumer: string, jobId: string) {
  const job = await jobById(executor, jobId);
  if (!job || job.consumer !== consumer) {
    throw new AppError("not_found", "No such job in your account.", { jobId: ["no such job"] });
  }
  return job;
}
