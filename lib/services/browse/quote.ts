import "server-only";
import type { Executor } from "@/db/client";
import { offersInMarkets } from "@/db/queries/offers";
import { providerById } from "@/db/queries/providers";
import { defineAction } from "@/lib/actions/define-action";
import { gpuName } from "@/lib/market/gpu-catalog";
import { describeNoMatch, type NoMatchView } from "@/lib/market/messages";
import { explainNoMatch } from "@/lib/matching/explain";
import { chooseOffer, collateralFor, ratePerSecond } from "@/lib/matching/feasibility";
import type { MatchJob } from "@/lib/matching/types";
import { candidatesFor, marketsFor } from "../placement/candidates";
import { type QuoteInput, quoteInput } from "./job-form";

export type LiveQuote =
  | {
      kind: "offer";
      offer: {
        id: string;
        gpuModel: string;
        gpuName: string;
        region: string;
        gpusFree: number;
        askWeiPerGpuHour: bigint;
        reliabilityBps: number;
      };
      provider: { address: string; name: string };
      gpuCount: number;
      /** What the escrow pays per second (pay-as-ask, rounded up as the contract takes it). */
      ratePerSecond: bigint;
      maxSeconds: number;
      /** The most the job can cost: rate * max seconds, the escrow the wallet sends. */
      maxCost: bigint;
      /** The provider's stake that funding locks behind the job. */
      collateral: bigint;
    }
  | { kind: "none"; noMatch: NoMatchView };

/**
 * What a job with these terms would get if submitted now, without reserving anything: the offer
 * the engine would choose (the same candidates read and the same ranking as placement, the
 * provider's stake included), its rate, the escrow and the collateral; or, when nothing fits,
 * the engine's explanation per dimension and the changes that would place it. A live offer can
 * be taken by someone else before the submit: the submit's own placement decides.
 */
export async function liveQuote(db: Executor, input: QuoteInput): Promise<LiveQuote> {
  const want: MatchJob = {
    gpuModels: input.gpuModels,
    minVramGb: input.minVramGb,
    gpuCount: input.gpuCount,
    regions: input.regions,
    maxPricePerGpuHour: input.maxPricePerGpuHour,
    maxHours: input.maxHours,
  };
  const markets = marketsFor(want);
  const best = chooseOffer(want, await candidatesFor(db, want, markets));
  if (!best) {
    return {
      kind: "none",
      noMatch: describeNoMatch(explainNoMatch(want, await offersInMarkets(db, markets))),
    };
  }
  const provider = await providerById(db, best.providerId);
  const rate = ratePerSecond(best.askWeiPerGpuHour, want.gpuCount);
  const maxSeconds = want.maxHours * 3600;
  return {
    kind: "offer",
    offer: {
      id: best.id,
      gpuModel: best.gpuModel,
      gpuName: gpuName(best.gpuModel),
      region: best.region,
      gpusFree: best.gpusFree,
      askWeiPerGpuHour: best.askWeiPerGpuHour,
      reliabilityBps: best.reliabilityBps,
    },
    provider: { address: provider?.address ?? "", name: provider?.name ?? "" },
    gpuCount: want.gpuCount,
    ratePerSecond: rate,
    maxSeconds,
    maxCost: rate * BigInt(maxSeconds),
    collateral: collateralFor(want, best),
  };
}

/** The live quote as a public action: anyone may ask what a job would cost (zod-validated). */
export const liveQuoteAction = defineAction({ input: quoteInput, auth: false }, (input, { db }) =>
  liveQuote(db, input),
);
