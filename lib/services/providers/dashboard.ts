import "server-only";
import type { Db, Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { offerById } from "@/db/queries/offers";
import {
  type ApiKeyListing,
  apiKeysOfProvider,
  listedGpuSecondsPerDay,
  listedGpus,
  type ProviderOffer,
  providerOffers,
  removeIdleOffer,
} from "@/db/queries/provider-listing";
import {
  gpuSecondsPerDay,
  lostPlacements,
  type MarketSettings,
  marketSettings,
  type ServedJob,
  servedJobs,
} from "@/db/queries/provider-pages";
import type { ProviderRow } from "@/db/queries/providers";
import { providerByAddress } from "@/db/queries/providers";
import { transaction } from "@/db/retry";
import type { AlternativeReason } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { formatEth } from "@/lib/market/eth";
import { ratePerSecond } from "@/lib/matching/feasibility";
import { accountOf } from "../chain/address";
import { dayFromKey, dayKey } from "../chain/days";
import {
  type ProviderEarnings,
  type ProviderStake,
  providerEarnings,
  providerStake,
} from "../chain/provider";
import { ownOffer } from "../offers/offers";
import { requireProvider } from "./providers";

/**
 * The provider's pages, read for the signed-in address only: every function takes the session's
 * address and reads that provider's records, never an id the browser chose.
 */

export type SetupStep = "register" | "stake" | "signer" | "agentKey" | "offer";

export type ProviderOverview = {
  address: string;
  provider: ProviderRow | undefined;
  stake: ProviderStake;
  market: MarketSettings | undefined;
  offers: ProviderOffer[];
  keys: ApiKeyListing[];
  /** Getting started: each step done or not, in the order a new provider takes them. */
  steps: Record<SetupStep, boolean>;
  setupDone: boolean;
};

export async function providerOverview(db: Executor, address: string): Promise<ProviderOverview> {
  const account = accountOf(address);
  const [provider, stake, market] = await Promise.all([
    providerByAddress(db, account),
    providerStake(db, account),
    marketSettings(db),
  ]);
  const [offers, keys] = provider
    ? await Promise.all([providerOffers(db, provider.id), apiKeysOfProvider(db, provider.id)])
    : [[], []];
  const minStake = market?.minStake ?? 0n;
  const steps: Record<SetupStep, boolean> = {
    register: provider !== undefined,
    // The contract's check at funding: stake less what is queued to leave meets the minimum.
    stake: stake.stake > 0n && stake.stake - stake.pendingUnstake >= minStake,
    signer: stake.signer !== null,
    agentKey: keys.some((k) => k.revokedAt === null),
    offer: offers.length > 0,
  };
  return {
    address: account,
    provider,
    stake,
    market,
    offers,
    keys,
    steps,
    setupDone: Object.values(steps).every(Boolean),
  };
}

export type UtilizationDay = {
  day: Date;
  gpuSeconds: number;
  /** GPU-seconds listed that day (up to now), at the offers' sizes then. */
  listedGpuSeconds: number;
  /** Share of the day's listed GPU-seconds that jobs ran, 0..1; null when nothing was listed. */
  utilization: number | null;
};

export type EarningsPage = ProviderEarnings & {
  utilization: UtilizationDay[];
  /** GPUs listed now (active or paused offers). */
  listedGpus: number;
};

/**
 * Earnings (the chain read) with GPU utilization per day over the same range: GPU-seconds the
 * provider's jobs ran that day over the GPU-seconds it had listed that day, each offer at its
 * size then (from the offers' events), so a provider who grew keeps the utilization it had
 * before. Today counts up to `now`.
 */
export async function earningsPage(
  db: Executor,
  address: string,
  range: { from: Date; to: Date; now?: Date },
): Promise<EarningsPage> {
  const account = accountOf(address);
  const now = range.now ?? new Date();
  const days = { firstDay: dayKey(range.from), lastDay: dayKey(range.to), now };
  const [earnings, provider] = await Promise.all([
    providerEarnings(db, account, { ...range, now }),
    providerByAddress(db, account),
  ]);
  const [perDay, listed, gpus] = await Promise.all([
    gpuSecondsPerDay(db, account, days),
    provider ? listedGpuSecondsPerDay(db, provider.id, days) : Promise.resolve([]),
    provider ? listedGpus(db, provider.id) : Promise.resolve(0),
  ]);
  const listedOn = new Map(listed.map((d) => [d.day, d.listedGpuSeconds]));
  return {
    ...earnings,
    listedGpus: gpus,
    utilization: perDay.map((d) => {
      const listedGpuSeconds = listedOn.get(d.day) ?? 0;
      return {
        day: dayFromKey(d.day),
        gpuSeconds: d.gpuSeconds,
        listedGpuSeconds,
        utilization: listedGpuSeconds > 0 ? Math.min(1, d.gpuSeconds / listedGpuSeconds) : null,
      };
    }),
  };
}

export const JOBS_SERVED_LISTED = 200;

/** The jobs this address was funded for as a provider, newest first, with outcome and pay. */
export async function jobsServed(db: Executor, address: string): Promise<ServedJob[]> {
  return servedJobs(db, accountOf(address), JOBS_SERVED_LISTED);
}

export type MissedMatch = {
  leaseId: string;
  offerId: string;
  market: string;
  reason: AlternativeReason;
  yourAsk: bigint;
  winningAsk: bigint;
  gpuCount: number;
  at: Date;
  /**
   * For a match lost on free stake: the free stake that would have backed it, the collateral the
   * job would have locked on this offer. Null for other reasons.
   */
  stakeNeeded: bigint | null;
  /** What would have won it, in words. */
  fix: string;
};

export type MissedMatches = {
  matches: MissedMatch[];
  byReason: Partial<Record<AlternativeReason, number>>;
};

const fixFor = (
  m: { reason: AlternativeReason; gpuCount: number },
  stakeNeeded: bigint | null,
  minStake: bigint,
) => {
  switch (m.reason) {
    case "price":
      return "an ask at or below the winner's";
    case "capacity":
      return `${m.gpuCount} free GPUs on this offer`;
    case "offline":
      return "an agent online when the job was placed";
    case "busy":
      return "the offer not held by another placement at that moment";
    case "reliability":
      return "a better completion record at the same ask";
    case "age":
      return "an older listing at the same ask and record";
    case "stake":
      return `free stake of at least ${formatEth(stakeNeeded ?? 0n, 6)} ETH (the collateral this job locks on your offer)`;
    case "minStake":
      return `stake of at least ${formatEth(minStake, 6)} ETH, the market's minimum, not counting stake queued to leave`;
  }
};

/**
 * The collateral funding the lost job on this offer would lock, as the contract's fundJob
 * computes it: the escrow at the offer's ask (rate per second rounded up, times the job's max
 * seconds) times the market's collateral share. The share is the market's as indexed now; the
 * contract's owner seldom changes it, and a change since the placement would show here.
 */
const collateralAt = (ask: bigint, gpuCount: number, maxSeconds: number, bps: number) =>
  (ratePerSecond(ask, gpuCount) * BigInt(maxSeconds) * BigInt(bps)) / 10_000n;

/** The placements the provider's offers lost, newest first, with why and what would have won. */
export async function missedMatchesOf(db: Executor, address: string): Promise<MissedMatches> {
  const provider = await requireProvider(db, accountOf(address));
  const [rows, market] = await Promise.all([
    lostPlacements(db, provider.id, 100),
    marketSettings(db),
  ]);
  const byReason: Partial<Record<AlternativeReason, number>> = {};
  const matches = rows.map(({ maxSeconds, ...r }): MissedMatch => {
    byReason[r.reason] = (byReason[r.reason] ?? 0) + 1;
    const stakeNeeded =
      r.reason === "stake"
        ? collateralAt(r.yourAsk, r.gpuCount, maxSeconds, market?.collateralBps ?? 0)
        : null;
    return { ...r, stakeNeeded, fix: fixFor(r, stakeNeeded, market?.minStake ?? 0n) };
  });
  return { matches, byReason };
}

/**
 * Removes the caller's offer, refused while any of its GPUs is leased: a job that was reserved,
 * quoted, funded or running on it keeps the offer until its lease ends (the statement's guard,
 * so a reservation racing the removal is never left on a removed offer). Says why when refused.
 */
export async function removeOfferWhenIdle(db: Db, address: string, offerId: string) {
  const account = accountOf(address);
  return transaction(db, async (tx) => {
    const offer = await ownOffer(tx, account, offerId);
    const removed = await removeIdleOffer(tx, offer);
    if (!removed) {
      const now = (await offerById(tx, offer.id)) ?? offer;
      if (now.status === "removed")
        throw new AppError("conflict", "This offer is already removed.");
      const leased = now.gpusTotal - now.gpusFree;
      throw new AppError(
        "conflict",
        `${leased} of this offer's GPUs are leased to a job; it can be removed once that work ends. Pause it to stop new jobs meanwhile.`,
      );
    }
    await appendEvents(tx, [
      {
        aggregate: "offer",
        aggregateId: offer.id,
        type: "offer.removed",
        fromStatus: offer.status,
        toStatus: "removed",
        actor: account,
      },
    ]);
    return removed;
  });
}
