import { z } from "zod";
import { formatEth, parseEth } from "@/lib/market/eth";
import { gpuModelIds, regions } from "@/lib/market/gpu-catalog";
import { type SubmitJobInput, submitJobInput } from "@/lib/market/schemas";
import type { JobChange } from "@/lib/matching/explain";

/**
 * The New job form's values as a person types them (a price in ETH, numbers as text), and the
 * schema that turns them into the server's own `submitJobInput`: the browser validates with
 * exactly what the server action re-validates, and each server error lands on its field.
 */
export type JobFormValues = {
  kind: SubmitJobInput["kind"];
  image: string;
  command: string;
  env: { name: string; value: string; secret: boolean }[];
  gpuModels: string[];
  minVramGb: string;
  gpuCount: string;
  regions: string[];
  /** ETH per GPU-hour, as typed. */
  maxPriceEth: string;
  maxHours: string;
};

/** Form field for each path of submitJobInput that is named differently. */
const fieldOf: Record<string, keyof JobFormValues> = { maxPricePerGpuHour: "maxPriceEth" };

/** The values as submitJobInput expects them, before validation (no key yet). */
export function toSubmitFields(v: JobFormValues) {
  const wei = parseEth(v.maxPriceEth);
  return {
    kind: v.kind,
    image: v.image,
    command: v.command,
    env: v.env.filter((e) => e.name.trim() !== "" || e.value !== ""),
    gpuModels: v.gpuModels,
    minVramGb: v.minVramGb.trim() === "" ? undefined : v.minVramGb,
    gpuCount: v.gpuCount,
    regions: v.regions,
    maxPricePerGpuHour: wei === undefined ? "not a price" : wei.toString(),
    maxHours: v.maxHours,
  };
}

/** The fields placement reads, as the live quote is asked for them (its cache key too). */
export function quoteTermsOf(v: JobFormValues) {
  const f = toSubmitFields(v);
  return {
    gpuModels: f.gpuModels,
    minVramGb: f.minVramGb,
    gpuCount: f.gpuCount,
    regions: f.regions,
    maxPricePerGpuHour: f.maxPricePerGpuHour,
    maxHours: f.maxHours,
  };
}

export const jobForm = z
  .custom<JobFormValues>((v) => typeof v === "object" && v !== null)
  .transform((values, ctx) => {
    const parsed = submitJobInput.safeParse({ ...toSubmitFields(values), idempotencyKey: "form" });
    if (parsed.success) return parsed.data;
    for (const issue of parsed.error.issues) {
      const [head, ...rest] = issue.path.map(String);
      const field = head ? (fieldOf[head] ?? head) : "root";
      const message =
        field === "maxPriceEth"
          ? "must be a price in ETH per GPU-hour, such as 0.002"
          : issue.message;
      ctx.addIssue({ code: "custom", message, path: [field, ...rest] });
    }
    return z.NEVER;
  });

/** Only what placement reads: the live quote never sends the image, command or secrets. */
export const quoteInput = z
  .object({
    gpuModels: z.array(z.enum(gpuModelIds)).max(gpuModelIds.length).default([]),
    minVramGb: z.coerce.number().int().min(1).max(1024).optional(),
    gpuCount: z.coerce.number().int().min(1).max(64),
    regions: z.array(z.enum(regions)).max(16).default([]),
    maxPricePerGpuHour: submitJobInput.shape.maxPricePerGpuHour,
    maxHours: submitJobInput.shape.maxHours,
  })
  .refine((j) => j.gpuModels.length > 0 || j.minVramGb !== undefined, {
    message: "choose GPU models or a minimum VRAM",
    path: ["gpuModels"],
  });

export type QuoteInput = z.infer<typeof quoteInput>;

/** A no-match fix applied to the form: the new values of the fields it changes. */
export function applyChange(v: JobFormValues, change: JobChange): Partial<JobFormValues> {
  switch (change.kind) {
    case "price":
      // The figure the fix's button shows (six decimals, rounded up, so still enough).
      return { maxPriceEth: formatEth(change.maxPricePerGpuHour, 6) };
    case "model":
      return { gpuModels: [...new Set([...v.gpuModels, change.gpuModel])] };
    case "vram":
      return { minVramGb: String(change.minVramGb) };
    case "region":
      return v.regions.length === 0 ? {} : { regions: [...new Set([...v.regions, change.region])] };
    case "gpuCount":
      return { gpuCount: String(change.gpuCount) };
    case "hours":
      return { maxHours: String(change.maxHours) };
  }
}
