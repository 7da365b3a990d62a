import "server-only";
import { and, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Address } from "viem";
import type { Executor } from "../client";
import { providerApiKeys, siweNonces, users } from "../schema";

export async function insertNonce(db: Executor, nonce: string, expiresAt: Date): Promise<void> {
  await db.insert(siweNonces).values({ nonce, expiresAt });
}

export type ConsumedNonce = "consumed" | "expired" | "unknown";

/**
 * Deletes the nonce and says whether it was still valid at `now`. The DELETE ... RETURNING is one
 * statement, so of two concurrent sign-ins with the same nonce exactly one sees it.
 */
export async function consumeNonce(db: Executor, nonce: string, now: Date): Promise<ConsumedNonce> {
  const [row] = await db
    .delete(siweNonces)
    .where(eq(siweNonces.nonce, nonce))
    .returning({ expiresAt: siweNonces.expiresAt });
  if (!row) return "unknown";
  return row.expiresAt.getTime() > now.getTime() ? "consumed" : "expired";
}

/** Nonces nobody used: dropped now and then so the table stays small. */
export async function deleteExpiredNonces(db: Executor, now: Date): Promise<number> {
  const rows = await db
    .delete(siweNonces)
    .where(lt(siweNonces.expiresAt, now))
    .returning({ nonce: siweNonces.nonce });
  return rows.length;
}

/** Records a sign-in: creates the user on first sight, else updates the last sign-in time. */
export async function upsertUserSignIn(db: Executor, address: Address, at: Date): Promise<void> {
  await db
    .insert(users)
    .values({ address: address.toLowerCase(), createdAt: at, lastSignInAt: at })
    .onConflictDoUpdate({
      target: users.address,
      set: { lastSignInAt: sql`excluded.last_sign_in_at` },
    });
}

export async function findUser(db: Executor, address: Address) {
  const [row] = await db.select().from(users).where(eq(users.address, address.toLowerCase()));
  return row ?? null;
}

/**
 * Marks a live agent API key as used at `at` and returns its id and provider, in one statement;
 * undefined for an unknown or revoked key.
 */
export async function markLiveApiKeyUsed(db: Executor, keyHash: string, at: Date) {
  const [row] = await db
    .update(providerApiKeys)
    .set({ lastUsedAt: at })
    .where(and(eq(providerApiKeys.keyHash, keyHash), isNull(providerApiKeys.revokedAt)))
    .returning({ id: providerApiKeys.id, providerId: providerApiKeys.providerId });
  return row;
}

/** Whether a key with this hash exists but was revoked (to say so instead of "unknown"). */
export async function isRevokedApiKey(db: Executor, keyHash: string): Promise<boolean> {
  const [row] = await db
    .select({ id: providerApiKeys.id })
    .from(providerApiKeys)
    .where(and(eq(providerApiKeys.keyHash, keyHash), isNotNull(providerApiKeys.revokedAt)));
  return row !== undefined;
}
