import "server-only";
import { and, eq, isNull } from "drizzle-orm";
import type { Executor } from "@/db/client";
import { type ProviderStatus, providerApiKeys, providers, users } from "@/db/schema";
import { offersChanged } from "./offer-changes";

export type ProviderRow = typeof providers.$inferSelect;

/** Makes sure the wallet has a users row (a session implies it signed in; tests may not). */
export async function ensureUser(executor: Executor, address: string): Promise<void> {
  await executor.insert(users).values({ address }).onConflictDoNothing();
}

export async function providerByAddress(
  executor: Executor,
  address: string,
): Promise<ProviderRow | undefined> {
  const [row] = await executor.select().from(providers).where(eq(providers.address, address));
  return row;
}

export async function providerById(executor: Executor, id: string) {
  const [row] = await executor.select().from(providers).where(eq(providers.id, id));
  return row;
}

export async function upsertProvider(
  executor: Executor,
  values: { address: string; name: string; region: string; signerAddress: string },
): Promise<{ provider: ProviderRow; created: boolean }> {
  const [created] = await executor
    .insert(providers)
    .values(values)
    .onConflictDoNothing()
    .returning();
  if (created) return { provider: created, created: true };
  const [updated] = await executor
    .update(providers)
    .set({
      name: values.name,
      region: values.region,
      signerAddress: values.signerAddress,
      updatedAt: new Date(),
    })
    .where(eq(providers.address, values.address))
    .returning();
  if (!updated) throw new Error("provider vanished during upsert");
  return { provider: updated, created: false };
}

export async function setProviderStatus(
  executor: Executor,
  id: string,
  from: ProviderStatus,
  to: ProviderStatus,
): Promise<ProviderRow | undefined> {
  offersChanged();
  const [row] = await executor
    .update(providers)
    .set({ status: to, updatedAt: new Date() })
    .where(and(eq(providers.id, id), eq(providers.status, from)))
    .returning();
  return row;
}

export async function insertApiKey(
  executor: Executor,
  values: typeof providerApiKeys.$inferInsert,
) {
  const [row] = await executor.insert(providerApiKeys).values(values).returning({
    id: providerApiKeys.id,
    label: providerApiKeys.label,
    prefix: providerApiKeys.prefix,
    createdAt: providerApiKeys.createdAt,
  });
  return row;
}

export async function revokeApiKey(executor: Executor, providerId: string, keyId: string) {
  const [row] = await executor
    .update(providerApiKeys)
    .set({ revokedAt: new Date() })
    .where(
      and(
        eq(providerApiKeys.id, keyId),
        eq(providerApiKeys.providerId, providerId),
        isNull(providerApiKeys.revokedAt),
      ),
    )
    .returning({ id: providerApiKeys.id });
  return row;
}

/** The provider an agent key belongs to, if the key is live. */
export async function providerByKeyHash(executor: Executor, keyHash: string) {
  const [row] = await executor
    .select({ provider: providers })
    .from(providerApiKeys)
    .innerJoin(providers, eq(providers.id, providerApiKeys.providerId))
    .where(and(eq(providerApiKeys.keyHash, keyHash), isNull(providerApiKeys.revokedAt)));
  return row?.provider;
}
