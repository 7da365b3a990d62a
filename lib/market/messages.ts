import type { JobChange, NoMatchExplanation, StakeExplanation } from "@/lib/matching/explain";
import type { FailureKind } from "@/lib/matching/types";
import { formatPricePerGpuHour } from "./eth";
import { gpuName } from "./gpu-catalog";

/** One suggested change as a sentence fragment, e.g. "raise max price to 0.0021 ETH/GPU-h". */
export function describeChange(change: JobChange): string {
  switch (change.kind) {
    case "price":
      return `raise max price to ${formatPricePerGpuHour(change.maxPricePerGpuHour)}`;
    case "model":
      return `allow ${gpuName(change.gpuModel)}`;
    case "vram":
      return `lower minimum VRAM to ${change.minVramGb} GB`;
    case "region":
      return `allow region ${change.region}`;
    case "gpuCount":
      return `reduce to ${change.gpuCount} GPU${change.gpuCount === 1 ? "" : "s"}`;
    case "hours":
      return `set max hours to ${change.maxHours}`;
  }
}

const failureLabels: Record<FailureKind, string> = {
  model: "GPU model",
  vram: "VRAM",
  region: "region",
  price: "price",
  capacity: "free GPUs",
  duration: "duration",
  offline: "provider offline",
};

export type NoMatchView = {
  offersConsidered: number;
  failures: Record<FailureKind, number>;
  /** Offers kept away by their provider's stake, and the sentence about it. */
  stake: StakeExplanation;
  suggestions: { changes: JobChange[]; text: string }[];
  message: string;
};

/** The explanation a consumer reads when the job is queued instead of placed. */
export function describeNoMatch(e: NoMatchExplanation): NoMatchView {
  const suggestions = e.suggestions.map((s) => ({
    changes: s.changes,
    text: s.changes.map(describeChange).join(" and "),
  }));
  const reasons = (Object.keys(e.failures) as FailureKind[])
    .filter((k) => e.failures[k] > 0)
    .map((k) => `${e.failures[k]} on ${failureLabels[k]}`);
  if (e.stake.short > 0) reasons.push(`${e.stake.short} on the provider's free stake`);
  if (e.stake.belowMinimum > 0) {
    reasons.push(`${e.stake.belowMinimum} with a provider below the minimum stake`);
  }
  const head =
    e.offersConsidered === 0
      ? "No offers in the markets this job accepts."
      : `None of ${e.offersConsidered} offers fits (${reasons.join(", ")}).`;
  const tail = suggestions[0]
    ? ` To place it now: ${suggestions.map((s) => s.text).join("; or ")}.`
    : " It stays queued and is matched as soon as capacity appears.";
  const stake = e.stake.sentence ? ` ${e.stake.sentence}` : "";
  return { ...e, suggestions, message: head + stake + tail };
}
