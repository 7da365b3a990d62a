import "server-only";
import { z } from "zod";
import { missedMatches } from "@/db/queries/leases";
import { marketStats, searchOffers } from "@/db/queries/market";
import { defineAction } from "@/lib/actions/define-action";
import {
  apiKeyInput,
  createOfferInput,
  offerIdInput,
  providerStatusInput,
  registerProviderInput,
  revokeApiKeyInput,
  searchOffersInput,
  updateOfferInput,
} from "@/lib/market/schemas";
import { changeOfferStatus, createOffer, updateOffer } from "../offers/offers";
import {
  changeProviderStatus,
  createApiKey,
  registerProvider,
  requireProvider,
  revokeApiKey,
} from "./providers";

const me = (session: { address: string }) => session.address.toLowerCase();

export const registerProviderAction = defineAction(
  { input: registerProviderInput, auth: true },
  (input, { session, db }) => registerProvider(db, me(session), input),
);

export const setProviderStatusAction = defineAction(
  { input: providerStatusInput, auth: true },
  ({ status }, { session, db }) => changeProviderStatus(db, me(session), status),
);

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

export const createApiKeyAction = defineAction(
  { input: apiKeyInput, auth: true },
  ({ label }, { session, db }) => createApiKey(db, me(session), label),
);

export const revokeApiKeyAction = defineAction(
  { input: revokeApiKeyInput, auth: true },
  ({ keyId }, { session, db }) => revokeApiKey(db, me(session), keyId),
);

export const searchOffersAction = defineAction(
  { input: searchOffersInput, auth: false },
  (input, { db }) => searchOffers(db, input),
);

export const marketStatsAction = defineAction(
  { input: z.object({}).default({}), auth: false },
  (_input, { db }) => marketStats(db),
);

/** Placements the caller's offers were in the running for and lost, with the reason. */
export const missedMatchesAction = defineAction(
  { input: z.object({}).default({}), auth: true },
  async (_input, { session, db }) => {
    const provider = await requireProvider(db, me(session));
    return missedMatches(db, provider.id);
  },
);
