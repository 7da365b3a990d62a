import "server-only";
import { and, desc, eq, gt, isNull, lt, ne } from "drizzle-orm";
import type { Executor } from "../client";
import { sessions } from "../schema";

export type SessionRow = typeof sessions.$inferSelect;

export async function insertSession(
  db: Executor,
  values: typeof sessions.$inferInsert,
): Promise<SessionRow> {
  const [row] = await db.insert(sessions).values(values).returning();
  if (!row) throw new Error("session insert returned no row");
  return row;
}

const live = (now: Date) => and(isNull(sessions.revokedAt), gt(sessions.expiresAt, now));

/** The session with this id if it is neither revoked nor expired at `now`: one primary-key lookup. */
export async function liveSessionById(
  db: Executor,
  id: string,
  now: Date,
): Promise<SessionRow | undefined> {
  const [row] = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.id, id), live(now)));
  return row;
}

export async function touchSession(db: Executor, id: string, at: Date): Promise<void> {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id));
}

/** Revokes one live session; with `address`, only if it belongs to that wallet. */
export async function revokeSession(
  db: Executor,
  id: string,
  now: Date,
  address?: string,
): Promise<boolean> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(sessions.id, id),
        isNull(sessions.revokedAt),
        address === undefined ? undefined : eq(sessions.address, address),
      ),
    )
    .returning({ id: sessions.id });
  return rows.length > 0;
}

/** Revokes every live session of `address` except `keepId`; returns how many. */
export async function revokeOtherSessions(
  db: Executor,
  address: string,
  keepId: string,
  now: Date,
): Promise<number> {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: now })
    .where(and(eq(sessions.address, address), ne(sessions.id, keepId), live(now)))
    .returning({ id: sessions.id });
  return rows.length;
}

/** A wallet's live sessions, most recently seen first. */
export async function liveSessionsOf(
  db: Executor,
  address: string,
  now: Date,
): Promise<SessionRow[]> {
  return db
    .select()
    .from(sessions)
    .where(and(eq(sessions.address, address), live(now)))
    .orderBy(desc(sessions.lastSeenAt), desc(sessions.createdAt));
}

/**
 * Sessions past their expiry: nothing can use them any more. Revoked ones are kept until then, so
 * a sign-out stays visible in the table for the session's natural lifetime.
 */
export async function deleteExpiredSessions(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .delete(sessions)
    .where(lt(sessions.expiresAt, now))
    .returning({ id: sessions.id });
  return rows.length;
}
