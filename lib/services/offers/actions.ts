import "server-only";
import { z } from "zod";
import { marketStats, searchOffers } from "@/db/queries/market";
import { defineAction } from "@/lib/actions/define-action";
import {
  createOfferInput,
  offerIdInput,
  searchOffersInput,
  updateOfferInput,
} from "@/lib/market/schemas";
import { changeOfferStatus, createOffer, updateOffer } from "./offers";

const me = (session: { address: string }) => session.address.toLowerCase();

/** Lists GPUs for the signed-in provider; the market's pending jobs are offered them at once. */
export const createOfferAction = defineAction(
  { input: createOfferInput, auth: true },
  (input, { session, db }) => createOffer(db, me(session), input),
);

export const updateOfferAction = defineAction(
  { input: updateOfferInput, auth: true },
  (input, { session, db }) => updateOffer(db, me(session), input),
);

const statusAction = (move: "pause" | "resume" | "remove") =>
  defineAction({ input: offerIdInput, auth: true }, ({ offerId }, { session, db }) =>
    changeOfferStatus(db, me(session), offerId, move),
  );

export const pauseOfferAction = statusAction("pause");
export const resumeOfferAction = statusAction("resume");
export const removeOfferAction = statusAction("remove");

/** The offer browser: anyone may search the live offers. */
export const searchOffersAction = defineAction(
  { input: searchOffersInput, auth: false },
  (input, { db }) => searchOffers(db, input),
);

export const marketStatsAction = defineAction(
  { input: z.object({}).default({}), auth: false },
  (_input, { db }) => marketStats(db),
);
