import { compareOffers, failuresOf } from "./feasibility";
import { type FailureKind, failureKinds, type MatchJob, type MatchOffer } from "./types";

/** One change to the job that would let it be placed right now. */
export type JobChange =
  | { kind: "price"; maxPricePerGpuHour: bigint }
  | { kind: "model"; gpuModel: string }
  | { kind: "vram"; minVramGb: number }
  | { kind: "region"; region: string }
  | { kind: "gpuCount"; gpuCount: number }
  | { kind: "hours"; maxHours: number };

export type Suggestion = { changes: JobChange[] };

export type NoMatchExplanation = {
  offersConsidered: number;
  /** How many offers fail on each dimension (an offer may fail on several). */
  failures: Record<FailureKind, number>;
  /** The smallest changes that would place the job now, fewest dimensions first. */
  suggestions: Suggestion[];
};

// Every dimension a consumer can change; a provider being offline is not theirs to change.
const relaxable = new Set<FailureKind>(failureKinds.filter((kind) => kind !== "offline"));

function changesFor(job: MatchJob, offer: MatchOffer, failed: FailureKind[]): JobChange[] {
  const changes: JobChange[] = [];
  for (const kind of failed) {
    if (kind === "price") {
      changes.push({ kind: "price", maxPricePerGpuHour: offer.askWeiPerGpuHour });
    } else if (kind === "model") {
      changes.push({ kind: "model", gpuModel: offer.gpuModel });
    } else if (kind === "vram") {
      if (!changes.some((c) => c.kind === "model")) {
        changes.push({ kind: "vram", minVramGb: offer.vramGb });
      }
    } else if (kind === "region") {
      changes.push({ kind: "region", region: offer.region });
    } else if (kind === "capacity") {
      changes.push({ kind: "gpuCount", gpuCount: offer.gpusFree });
    } else if (kind === "duration") {
      changes.push({
        kind: "hours",
        maxHours: Math.min(Math.max(job.maxHours, offer.minHours), offer.maxHours),
      });
    }
  }
  return changes;
}

/** Smaller is a smaller change to what the consumer asked for. */
function changeCost(job: MatchJob, c: JobChange, ask: bigint): [bigint, bigint] {
  if (c.kind === "price") return [c.maxPricePerGpuHour - job.maxPricePerGpuHour, ask];
  if (c.kind === "gpuCount") return [BigInt(job.gpuCount - c.gpuCount), ask];
  if (c.kind === "hours") return [BigInt(Math.abs(job.maxHours - c.maxHours)), ask];
  return [0n, ask];
}

function lessThan(a: [bigint, bigint], b: [bigint, bigint]): boolean {
  return a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
}

/**
 * Why no offer can host the job, and what would: for each set of failed dimensions that a
 * consumer can relax (not a provider being offline, not a zero-capacity offer), the offer that
 * needs the smallest change, e.g. the cheapest ask above the job's max price.
 */
export function explainNoMatch(
  job: MatchJob,
  offers: readonly MatchOffer[],
  maxSuggestions = 3,
): NoMatchExplanation {
  const failures = Object.fromEntries(failureKinds.map((k) => [k, 0])) as Record<
    FailureKind,
    number
  >;
  const best = new Map<
    string,
    { offer: MatchOffer; failed: FailureKind[]; cost: [bigint, bigint] }
  >();
  for (const offer of offers) {
    const failed = failuresOf(job, offer);
    for (const f of failed) failures[f] += 1;
    if (failed.length === 0 || !failed.every((f) => relaxable.has(f))) continue;
    if (failed.includes("capacity") && offer.gpusFree === 0) continue;
    const key = failed.join("+");
    const changes = changesFor(job, offer, failed);
    const cost = changes
      .map((c) => changeCost(job, c, offer.askWeiPerGpuHour))
      .reduce<[bigint, bigint]>((s, c) => [s[0] + c[0], c[1]], [0n, 0n]);
    const seen = best.get(key);
    if (
      !seen ||
      lessThan(cost, seen.cost) ||
      (cost[0] === seen.cost[0] && cost[1] === seen.cost[1] && compareOffers(offer, seen.offer) < 0)
    ) {
      best.set(key, { offer, failed, cost });
    }
  }
  const suggestions = [...best.values()]
    .sort((a, b) => a.failed.length - b.failed.length || (lessThan(a.cost, b.cost) ? -1 : 1))
    .slice(0, maxSuggestions)
    .map((s) => ({ changes: changesFor(job, s.offer, s.failed) }));
  return { offersConsidered: offers.length, failures, suggestions };
}
