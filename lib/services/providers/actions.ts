import "server-only";
import { z } from "zod";
import { missedMatches } from "@/db/queries/leases";
import { defineAction } from "@/lib/actions/define-action";
import {
  apiKeyInput,
  providerStatusInput,
  registerProviderInput,
  revokeApiKeyInput,
} from "@/lib/market/schemas";
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

export const createApiKeyAction = defineAction(
  { input: apiKeyInput, auth: true },
  ({ label }, { session, db }) => createApiKey(db, me(session), label),
);

export const revokeApiKeyAction = defineAction(
  { input: revokeApiKeyInput, auth: true },
  ({ keyId }, { session, db }) => revokeApiKey(db, me(session), keyId),
);

/** Placements the caller's offers were in the running for and lost, with the reason. */
export const missedMatchesAction = defineAction(
  { input: z.object({}).default({}), auth: true },
  async (_input, { session, db }) => {
    const provider = await requireProvider(db, me(session));
    return missedMatches(db, provider.id);
  },
);
