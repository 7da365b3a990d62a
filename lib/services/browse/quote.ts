import "server-only";
import { headers } from "next/headers";
import type { Executor } from "@/db/client";
import { offersInMarkets } from "@/db/queries/offers";
import { providerById } from "@/db/queries/providers";
import { defineAction } from "@/lib/actions/define-action";
import { clientIpOptions } from "@/lib/auth/config";
import { enforceRateLimit, type RateLimit } from "@/lib/auth/rate-limit";
import type { Session } from "@/lib/auth/session";
import { clientIp, ipKey, UNKNOWN_CLIENT } from "@/lib/http/client";
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

/**
 * Quotes per requester: the form asks again on every change (debounced), so a person editing
 * quickly stays far below this, while a script asking the engine in a loop is stopped. Each quote
 * reads candidates and, when nothing fits, every offer of the markets, so it is not free.
 */
export const QUOTE_RATE_LIMIT: RateLimit = { name: "quote", limit: 120, windowSeconds: 60 };

/**
 * Who is asking, as the rate limit's key: the signed-in wallet, else the client as far as the
 * trusted proxies say (`ip:…`, or `unknown`, one shared key, when no proxy names the client).
 */
export type Requester = (session: Session | null) => Promise<string>;

/**
 * The live quote as a public action: anyone may ask what a job would cost (zod-validated), each
 * requester at most QUOTE_RATE_LIMIT; over it the action fails with `rate_limited` and a message
 * saying when to try again. Tests pass their own requester and clock.
 */
export function quoteActionFor(
  requester: Requester,
  {
    limit = QUOTE_RATE_LIMIT,
    now = () => new Date(),
  }: { limit?: RateLimit; now?: () => Date } = {},
) {
  return defineAction({ input: quoteInput, auth: false }, async (input, { db, session }) => {
    await enforceRateLimit(db, limit, await requester(session), now(), "price quotes");
    return liveQuote(db, input);
  });
}

/** The request's requester: the signed-in wallet, else the client IP the trusted proxies name. */
async function requestRequester(session: Session | null): Promise<string> {
  if (session) return `wallet:${session.address.toLowerCase()}`;
  const ip = clientIp(await headers(), clientIpOptions());
  return ip ? ipKey(ip) : UNKNOWN_CLIENT;
}

/** The New job form's live quote (app/jobs/new/actions.ts). */
export const liveQuoteAction = quoteActionFor(requestRequester);
