"use server";

import { liveQuoteAction } from "@/lib/services/browse/quote";

/** The New job form's live quote (validated with zod on the server; reserves nothing; rate limited). */
export async function quoteJob(raw: unknown) {
  return liveQuoteAction(raw);
}
