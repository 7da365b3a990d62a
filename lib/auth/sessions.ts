import "server-only";
import { type Address, getAddress } from "viem";
import type { Executor } from "@/db";
import {
  insertSession,
  liveSessionById,
  liveSessionsOf,
  revokeOtherSessions,
  revokeSession,
  touchSession,
} from "@/db/queries/sessions";
import { AppError } from "@/lib/errors";
import type { Client } from "@/lib/http/client";
import { describeUserAgent } from "@/lib/http/user-agent";
import { newSessionToken, readSessionCookie, sessionIdOf } from "./session-token";

/**
 * A signed-in wallet. `id` is the sessions row (sha256 of the cookie's token); it is absent only
 * for sessions made up by tests, which then cannot manage other sessions.
 */
export type Session = { address: Address; expiresAt: Date; id?: string };

/** last_seen_at is written at most this often per session, so reads stay reads. */
const LAST_SEEN_GRANULARITY_MS = 60_000;

/** Opens a session for `address`: a new random token (returned once) and its row. */
export async function createSession(
  db: Executor,
  input: { address: Address; ttlSeconds: number; client: Client; now: Date },
): Promise<{ token: string; session: Session }> {
  const token = newSessionToken();
  const id = sessionIdOf(token);
  const expiresAt = new Date(input.now.getTime() + input.ttlSeconds * 1000);
  await insertSession(db, {
    id,
    address: input.address.toLowerCase(),
    createdAt: input.now,
    lastSeenAt: input.now,
    expiresAt,
    userAgent: describeUserAgent(input.client.userAgent),
    ipSummary: input.client.ipSummary,
  });
  return { token, session: { id, address: input.address, expiresAt } };
}

/**
 * The live session a cookie value names, or null when the cookie is absent, forged, revoked or
 * expired. A forged or garbled cookie costs no query; a well-formed one costs one primary-key
 * lookup (and, at most once a minute, a last-seen update).
 */
export async function sessionFromCookie(
  db: Executor,
  cookieValue: string | undefined,
  secret: string,
  now: Date,
): Promise<Session | null> {
  const token = readSessionCookie(cookieValue, secret);
  if (!token) return null;
  const row = await liveSessionById(db, sessionIdOf(token), now);
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= LAST_SEEN_GRANULARITY_MS) {
    await touchSession(db, row.id, now);
  }
  return { id: row.id, address: getAddress(row.address), expiresAt: row.expiresAt };
}

/** Revokes the session a cookie value names (sign-out, or the old session at a new sign-in). */
export async function revokeCookieSession(
  db: Executor,
  cookieValue: string | undefined,
  secret: string,
  now: Date,
): Promise<boolean> {
  const token = readSessionCookie(cookieValue, secret);
  if (!token) return false;
  return revokeSession(db, sessionIdOf(token), now);
}

/** One row of the sessions list. */
export type SessionView = {
  id: string;
  current: boolean;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string;
  ipSummary: string;
};

function owner(session: Session): string {
  return session.address.toLowerCase();
}

/** The signed-in wallet's live sessions, this one marked. */
export async function listSessions(
  db: Executor,
  session: Session,
  now = new Date(),
): Promise<SessionView[]> {
  const rows = await liveSessionsOf(db, owner(session), now);
  return rows.map((row) => ({
    id: row.id,
    current: row.id === session.id,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    userAgent: row.userAgent,
    ipSummary: row.ipSummary,
  }));
}

/**
 * Ends another of the signed-in wallet's sessions. Only the session's own wallet can end it: a
 * session of another address is "not found", exactly like one that never existed.
 */
export async function endSession(
  db: Executor,
  session: Session,
  sessionId: string,
  now = new Date(),
): Promise<{ ended: true }> {
  if (sessionId === session.id) {
    throw new AppError(
      "bad_request",
      "That is the session you are using; sign out with the button at the top right instead.",
    );
  }
  const ended = await revokeSession(db, sessionId, now, owner(session));
  if (!ended) {
    throw new AppError(
      "not_found",
      "That session has already ended. Reload the page to see your sessions.",
    );
  }
  return { ended: true };
}

/** Ends every session of the signed-in wallet except this one. */
export async function endOtherSessions(
  db: Executor,
  session: Session,
  now = new Date(),
): Promise<{ ended: number }> {
  if (!session.id) {
    throw new AppError("unauthorized", "Sign in with your wallet to manage your sessions.");
  }
  return { ended: await revokeOtherSessions(db, owner(session), session.id, now) };
}
