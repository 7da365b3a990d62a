import "server-only";
import { randomUUID } from "node:crypto";
import type { Db } from "@/db/client";
import type { JobInsert } from "@/db/queries/placement/records";
import type { SubmitJobInput } from "@/lib/market/schemas";
import { sealEnv } from "../jobs/secrets";
import { submitBatcher } from "./batcher";
import type { SubmitResult } from "./queue";

/**
 * Stores a job and tries to place it. Submits arriving together go as one batch: enqueue
 * (`batcher.ts`) -> plan on the copy of the order book (`plan.ts`) -> write the batch in one
 * statement (`write.ts`) -> settle each submit's outcome (`settle.ts`); a batch whose write fails
 * goes one submit at a time (`one-at-a-time.ts`). The same idempotency key returns the job
 * already stored, untouched.
 */
export function submitJob(
  db: Db,
  consumer: string,
  input: SubmitJobInput,
  now = new Date(),
): Promise<SubmitResult> {
  return submitBatcher(db).submit(jobValues(consumer, input), now);
}

/** What a submit stores: the job row's values, secrets sealed, id chosen here. */
export function jobValues(consumer: string, input: SubmitJobInput): JobInsert {
  const id = randomUUID();
  return {
    id,
    consumer,
    kind: input.kind,
    image: input.image,
    command: input.command,
    env: sealEnv(input.env, id),
    gpuModels: input.gpuModels,
    minVramGb: input.minVramGb ?? null,
    gpuCount: input.gpuCount,
    regions: input.regions,
    maxPricePerGpuHour: input.maxPricePerGpuHour,
    maxHours: input.maxHours,
    idempotencyKey: input.idempotencyKey,
  };
}
