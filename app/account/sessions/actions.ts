"use server";

import { endOtherSessionsAction, endSessionAction } from "@/lib/auth/session-actions";

export async function endSession(raw: unknown) {
  return endSessionAction(raw);
}

export async function endOtherSessions(raw: unknown) {
  return endOtherSessionsAction(raw);
}
