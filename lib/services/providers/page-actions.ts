import "server-only";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { offerIdInput } from "@/lib/market/schemas";
import { text } from "@/lib/validation/text";
import { previewResolution } from "../chain/arbiter";
import { removeOfferWhenIdle } from "./dashboard";

/** The provider pages' own actions; the session's address is the only provider they act for. */

const me = (session: { address: string }) => session.address.toLowerCase();

/** Removes an offer of the caller's, refused while a job holds any of its GPUs. */
export const removeIdleOfferAction = defineAction(
  { input: offerIdInput, auth: true },
  ({ offerId }, { session, db }) => removeOfferWhenIdle(db, me(session), offerId),
);

const bps = z.coerce
  .number("a share in basis points")
  .int("whole basis points")
  .min(0, "at least 0")
  .max(10_000, "at most 10000 (100 %)");

export const resolutionInput = z.object({
  chainJobId: text().regex(/^0x[0-9a-fA-F]{64}$/, "a job id (0x and 64 hex digits)"),
  providerPayBps: bps,
  slashBps: bps,
});

/** The payouts a resolution would make; the arbiter only (everyone else: forbidden). */
export const previewResolutionAction = defineAction(
  { input: resolutionInput, auth: true },
  async (input, { session, db }) => {
    const { job, payouts } = await previewResolution(db, me(session), input);
    // Bigints do not cross the server-action boundary as numbers: wei as decimal strings.
    return {
      chainJobId: job.chainJobId,
      provider: payouts.provider.toString(),
      fee: payouts.fee.toString(),
      refund: payouts.refund.toString(),
      slashed: payouts.slashed.toString(),
      consumer: payouts.consumer.toString(),
    };
  },
);
