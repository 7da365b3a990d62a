import type { AlternativeReason, StoredEnvVar } from "@/db/schema";

/** A new job's row, as the submit path stores it (id chosen by the caller, secrets sealed). */
export type JobInsert = {
  id: string;
  consumer: string;
  kind: string;
  image: string;
  command: string;
  env: StoredEnvVar[];
  gpuModels: string[];
  minVramGb: number | null;
  gpuCount: number;
  regions: string[];
  maxPricePerGpuHour: bigint;
  maxHours: number;
  idempotencyKey: string;
};

/** A planned placement: the lease to write for a job on an offer, and the offers it beat. */
export type Reservation = {
  leaseId: string;
  jobId: string;
  consumer: string;
  offer: { market: string; id: string; providerId: string };
  gpuCount: number;
  pricePerGpuHour: bigint;
  ratePerSecond: bigint;
  maxSeconds: number;
  chainJobId: string;
  quoteExpiresAt: Date;
  actor: string | null;
  alternatives: {
    offerId: string;
    providerId: string;
    askWeiPerGpuHour: bigint;
    reason: AlternativeReason;
  }[];
};

/**
 * The placement statements' input: one JSON record per job, read in SQL with
 * `jsonb_to_record(set)`, so a statement's text is fixed and its fields are named.
 */
export function jobRecord(j: JobInsert) {
  return {
    id: j.id,
    consumer: j.consumer,
    kind: j.kind,
    image: j.image,
    command: j.command,
    env: j.env,
    gpu_models: j.gpuModels,
    min_vram_gb: j.minVramGb,
    gpu_count: j.gpuCount,
    regions: j.regions,
    max_price: j.maxPricePerGpuHour.toString(),
    max_hours: j.maxHours,
    idempotency_key: j.idempotencyKey,
  };
}

export function reservationRecord(r: Reservation) {
  return {
    lease_id: r.leaseId,
    market: r.offer.market,
    offer_id: r.offer.id,
    provider_id: r.offer.providerId,
    price: r.pricePerGpuHour.toString(),
    rate: r.ratePerSecond.toString(),
    max_seconds: r.maxSeconds,
    chain_job_id: r.chainJobId,
    quote_expires_at: r.quoteExpiresAt.toISOString(),
    alternatives: r.alternatives.map((a) => ({
      offer_id: a.offerId,
      provider_id: a.providerId,
      ask: a.askWeiPerGpuHour.toString(),
      reason: a.reason,
    })),
  };
}

/** The SQL column list of `reservationRecord` for `jsonb_to_record(set)`. */
export const reservationColumns = `lease_id uuid, market text, offer_id uuid, provider_id uuid,
        price numeric, rate numeric, max_seconds int, chain_job_id text,
        quote_expires_at timestamptz, alternatives jsonb`;
