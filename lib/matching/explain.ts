import { compareOffers, failuresOf, maxHoursBacked } from "./feasibility";
import {
  type Failure,
  type FailureKind,
  failureKinds,
  type MatchJob,
  type MatchOffer,
  type StakeFailureKind,
  stakeFailureKinds,
} from "./types";

/** One change to the job that would let it be placed right now. */
export type JobChange =
  | { kind: "price"; maxPricePerGpuHour: bigint }
  | { kind: "model"; gpuModel: string }
  | { kind: "vram"; minVramGb: number }
  | { kind: "region"; region: string }
  | { kind: "gpuCount"; gpuCount: number }
  | { kind: "hours"; maxHours: number };

export type Suggestion = { changes: JobChange[] };

/** How the providers' stake keeps offers from the job. */
export type StakeExplanation = {
  /** Offers whose provider's free stake cannot cover the collateral the job would lock. */
  short: number;
  /** Offers whose provider's stake is below the market's minimum: they take no job. */
  belowMinimum: number;
  /**
   * The longest max hours that a provider of an offer otherwise fitting the job can back, when
   * a shorter job would fit; null otherwise.
   */
  maxHours: number | null;
  /** What a buyer reads about it, or null when stake is not what keeps fitting offers away. */
  sentence: string | null;
};

export type NoMatchExplanation = {
  offersConsidered: number;
  /** How many offers fail on each dimension of their terms (an offer may fail on several). */
  failures: Record<FailureKind, number>;
  /** How many offers fail on their provider's stake, and what it means for the buyer. */
  stake: StakeExplanation;
  /** The smallest changes that would place the job now, fewest dimensions first. */
  suggestions: Suggestion[];
};

// Every dimension a consumer can change; a provider being offline, or below the minimum stake,
// is not theirs to change. A provider short of free stake is: a shorter job locks less of it.
const relaxable = new Set<Failure>([...failureKinds.filter((kind) => kind !== "offline"), "stake"]);
const stakeKinds = new Set<Failure>(stakeFailureKinds);

/**
 * The changes that let `job` onto `offer`, or undefined when none can (the provider's stake
 * cannot back even the shortest job the offer allows).
 */
function changesFor(
  job: MatchJob,
  offer: MatchOffer,
  failed: readonly Failure[],
): JobChange[] | undefined {
  const changes: JobChange[] = [];
  let gpuCount = job.gpuCount;
  let hours: number | undefined;
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
      gpuCount = offer.gpusFree;
      changes.push({ kind: "gpuCount", gpuCount });
    } else if (kind === "duration") {
      hours = Math.min(Math.max(job.maxHours, offer.minHours), offer.maxHours);
    }
  }
  // The collateral grows with the hours and the GPUs: check the job as changed above against
  // the provider's free stake whenever that may have grown it or was short already.
  const wanted = hours ?? job.maxHours;
  if (failed.includes("stake") || wanted > job.maxHours) {
    const backed = maxHoursBacked({ ...job, gpuCount }, offer) ?? 0;
    if (wanted > backed) {
      // Only a shorter job helps, and only one the offer still allows.
      if (!failed.includes("stake") || backed < Math.max(1, offer.minHours)) return undefined;
      hours = backed;
    }
  }
  if (hours !== undefined) changes.push({ kind: "hours", maxHours: hours });
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

/** "1 hour", "12 hours". */
const hoursText = (n: number) => `${n} hour${n === 1 ? "" : "s"}`;

/**
 * The sentence about stake, from the offers that fit the job on every term but their
 * provider's stake: short of free stake (with the longest job they can back, if any) or below
 * the minimum.
 */
function stakeSentence(short: number, belowMinimum: number, maxHours: number | null) {
  if (short === 0 && belowMinimum === 0) return null;
  const providers = "The providers with free GPUs for this job";
  const below =
    belowMinimum > 0
      ? `${short > 0 ? " Others are" : `${providers} are`} below the market's minimum stake and take no jobs until they stake more.`
      : "";
  if (short === 0) return below.trim();
  const head =
    maxHours !== null
      ? `${providers} have too little free stake for a job this long: at most ${hoursText(maxHours)} ${maxHours === 1 ? "fits" : "fit"}.`
      : `${providers} have too little free stake to back even its shortest run; it is matched when they stake more or their other jobs end.`;
  return head + below;
}

/**
 * Why no offer can host the job, and what would: for each set of failed dimensions that a
 * consumer can relax (not a provider being offline or below the minimum stake, not a
 * zero-capacity offer), the offer that needs the smallest change, e.g. the cheapest ask above
 * the job's max price, or the longest job a provider short of free stake can back.
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
  const stakeFailures: Record<StakeFailureKind, number> = { stake: 0, minStake: 0 };
  // Offers that fit on every term but the provider's stake, and the longest job they back.
  const onlyStake = { short: 0, belowMinimum: 0, maxHours: null as number | null };
  const best = new Map<
    string,
    { offer: MatchOffer; failed: Failure[]; changes: JobChange[]; cost: [bigint, bigint] }
  >();
  for (const offer of offers) {
    const failed = failuresOf(job, offer);
    for (const f of failed) {
      if (stakeKinds.has(f)) stakeFailures[f as StakeFailureKind] += 1;
      else failures[f as FailureKind] += 1;
    }
    if (failed.length === 1 && failed[0] === "minStake") onlyStake.belowMinimum += 1;
    if (failed.length === 0 || !failed.every((f) => relaxable.has(f))) continue;
    if (failed.includes("capacity") && offer.gpusFree === 0) continue;
    const changes = changesFor(job, offer, failed);
    if (failed.length === 1 && failed[0] === "stake") {
      onlyStake.short += 1;
      const hours = changes?.find((c) => c.kind === "hours")?.maxHours;
      if (hours !== undefined) onlyStake.maxHours = Math.max(onlyStake.maxHours ?? 0, hours);
    }
    if (!changes) continue;
    const key = failed.join("+");
    const cost = changes
      .map((c) => changeCost(job, c, offer.askWeiPerGpuHour))
      .reduce<[bigint, bigint]>((s, c) => [s[0] + c[0], c[1]], [0n, 0n]);
    const seen = best.get(key);
    if (
      !seen ||
      lessThan(cost, seen.cost) ||
      (cost[0] === seen.cost[0] && cost[1] === seen.cost[1] && compareOffers(offer, seen.offer) < 0)
    ) {
      best.set(key, { offer, failed, changes, cost });
    }
  }
  const suggestions = [...best.values()]
    .sort((a, b) => a.failed.length - b.failed.length || (lessThan(a.cost, b.cost) ? -1 : 1))
    .slice(0, maxSuggestions)
    .map((s) => ({ changes: s.changes }));
  return {
    offersConsidered: offers.length,
    failures,
    stake: {
      short: stakeFailures.stake,
      belowMinimum: stakeFailures.minStake,
      maxHours: onlyStake.maxHours,
      sentence: stakeSentence(onlyStake.short, onlyStake.belowMinimum, onlyStake.maxHours),
    },
    suggestions,
  };
}
