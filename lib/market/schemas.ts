import { z } from "zod";
import { text } from "@/lib/validation/text";
import { gpuModelIds, regions } from "./gpu-catalog";
import { limits } from "./limits";

/** A wei amount from a form or JSON: a bigint or a string of digits, 1 .. 2^256-1. */
export const weiAmount = z
  .union([
    z.bigint(),
    text()
      .trim()
      .regex(/^\d{1,80}$/, "must be a whole number of wei"),
  ])
  .transform((v) => BigInt(v))
  .refine((v) => v > 0n, "must be greater than zero")
  .refine((v) => v <= limits.maxUint256, "must fit in uint256");

const count = (max: number) =>
  z.coerce
    .number()
    .int("must be a whole number")
    .min(1, "must be at least 1")
    .max(max, `must be at most ${max}`);

export const hours = count(limits.maxHours);
export const gpuModelId = z.enum(gpuModelIds, "unknown GPU model");
export const region = z.enum(regions, "unknown region");
export const uuid = z.uuid("must be an id");
const address = text()
  .trim()
  .regex(/^0x[0-9a-fA-F]{40}$/, "must be a 0x-prefixed 20-byte hex address")
  .transform((v) => v.toLowerCase() as `0x${string}`);

export const registerProviderInput = z.object({
  name: text().trim().min(1, "is required").max(limits.maxNameChars),
  region,
  signerAddress: address,
});

export const offerFields = z.object({
  gpuModel: gpuModelId,
  gpusTotal: count(limits.maxGpusPerOffer),
  askWeiPerGpuHour: weiAmount,
  region,
  minHours: hours.default(1),
  maxHours: hours.default(limits.maxHours),
});

const hoursInOrder = (v: { minHours?: number; maxHours?: number }) =>
  v.minHours === undefined || v.maxHours === undefined || v.minHours <= v.maxHours;
const hoursIssue = { message: "must be at least the minimum hours", path: ["maxHours"] };

export const createOfferInput = offerFields.refine(hoursInOrder, hoursIssue);

export const updateOfferInput = z
  .object({
    offerId: uuid,
    gpusTotal: count(limits.maxGpusPerOffer).optional(),
    askWeiPerGpuHour: weiAmount.optional(),
    minHours: hours.optional(),
    maxHours: hours.optional(),
  })
  .refine(hoursInOrder, hoursIssue);

export const offerIdInput = z.object({ offerId: uuid });
export const jobIdInput = z.object({ jobId: uuid });

const envEntry = z.object({
  name: text().regex(
    /^[A-Za-z_][A-Za-z0-9_]{0,127}$/,
    "must be a shell variable name (letters, digits, _)",
  ),
  value: text().max(
    limits.maxEnvValueChars,
    `must be at most ${limits.maxEnvValueChars} characters`,
  ),
  secret: z.boolean().default(false),
});

export const jobKinds = ["fine-tune", "inference", "training", "custom"] as const;

export const submitJobInput = z
  .object({
    kind: z.enum(jobKinds, "unknown job kind"),
    image: text()
      .trim()
      .min(1, "is required")
      .max(limits.maxImageChars)
      .regex(/^[\w.\-/:@]+$/, "must be a container image reference such as ghcr.io/org/app:tag"),
    command: text()
      .max(limits.maxCommandChars, `must be at most ${limits.maxCommandChars} characters`)
      .default(""),
    env: z
      .array(envEntry)
      .max(limits.maxEnvEntries, `at most ${limits.maxEnvEntries} variables`)
      .default([])
      .refine(
        (e) => e.reduce((n, v) => n + v.name.length + v.value.length, 0) <= limits.maxEnvTotalChars,
        `must be at most ${limits.maxEnvTotalChars} characters in all`,
      )
      .refine((e) => new Set(e.map((v) => v.name)).size === e.length, "names must be unique"),
    gpuModels: z.array(gpuModelId).max(gpuModelIds.length).default([]),
    minVramGb: z.coerce.number().int().min(1).max(1024).optional(),
    gpuCount: count(limits.maxGpusPerJob),
    regions: z.array(region).max(16).default([]),
    maxPricePerGpuHour: weiAmount,
    maxHours: hours,
    idempotencyKey: text().trim().min(1).max(limits.maxIdempotencyKeyChars),
  })
  .refine((j) => j.gpuModels.length > 0 || j.minVramGb !== undefined, {
    message: "choose GPU models or a minimum VRAM",
    path: ["gpuModels"],
  });

export type RegisterProviderInput = z.infer<typeof registerProviderInput>;
export type CreateOfferInput = z.infer<typeof createOfferInput>;
export type UpdateOfferInput = z.infer<typeof updateOfferInput>;
export type SubmitJobInput = z.infer<typeof submitJobInput>;
export type JobKind = (typeof jobKinds)[number];

export const searchOffersInput = z.object({
  gpuModels: z.array(gpuModelId).max(gpuModelIds.length).default([]),
  regions: z.array(region).max(16).default([]),
  minVramGb: z.coerce.number().int().min(1).max(1024).optional(),
  maxAskWeiPerGpuHour: weiAmount.optional(),
  minGpusFree: count(limits.maxGpusPerOffer).optional(),
  sort: z.enum(["price", "price_per_tflops", "vram"]).default("price"),
  page: z.coerce.number().int().min(1).max(10_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});

export const providerStatusInput = z.object({ status: z.enum(["online", "offline"]) });
export const apiKeyInput = z.object({ label: text().trim().min(1).max(limits.maxNameChars) });
export const revokeApiKeyInput = z.object({ keyId: uuid });
