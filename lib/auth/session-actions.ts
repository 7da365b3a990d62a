import "server-only";
import { z } from "zod";
import { defineAction } from "@/lib/actions/define-action";
import { text } from "@/lib/validation/text";
import { endOtherSessions, endSession, listSessions } from "./sessions";

/** A session's id as the sessions list shows it (sha256 hex of its token). */
export const endSessionInput = z.object({
  sessionId: text().regex(/^[0-9a-f]{64}$/, "must be a session id from your sessions list"),
});

export const noInput = z.object({}).strict();

/** The signed-in wallet's live sessions; the caller's own is marked `current`. */
export const listSessionsAction = defineAction(
  { input: noInput, auth: true },
  async (_input, { session, db }) => listSessions(db, session),
);

/** Ends one other session of the signed-in wallet (never another wallet's: that is not found). */
export const endSessionAction = defineAction(
  { input: endSessionInput, auth: true },
  async ({ sessionId }, { session, db }) => endSession(db, session, sessionId),
);

/** Ends every session of the signed-in wallet except the one making the request. */
export const endOtherSessionsAction = defineAction(
  { input: noInput, auth: true },
  async (_input, { session, db }) => endOtherSessions(db, session),
);
