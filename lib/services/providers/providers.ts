import "server-only";
import { createHash, randomBytes } from "node:crypto";
import type { Db, Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import { marketsOfProvider } from "@/db/queries/market";
import {
  ensureUser,
  insertApiKey,
  type ProviderRow,
  providerByAddress,
  providerByKeyHash,
  revokeApiKey as revokeKeyRow,
  setProviderStatus,
  upsertProvider,
} from "@/db/queries/providers";
import { transaction } from "@/db/retry";
import type { ProviderStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import type { RegisterProviderInput } from "@/lib/market/schemas";
import { capacityFreed } from "../placement/rematch";

const KEY_PREFIX = "gmk_";

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

/** Creates or updates the caller's provider profile. */
export async function registerProvider(db: Db, address: string, input: RegisterProviderInput) {
  return transaction(db, async (tx) => {
    await ensureUser(tx, address);
    const { provider, created } = await upsertProvider(tx, { address, ...input });
    await appendEvents(tx, [
      {
        aggregate: "provider",
        aggregateId: provider.id,
        type: created ? "provider.registered" : "provider.updated",
        toStatus: created ? provider.status : null,
        actor: address,
        data: { name: input.name, region: input.region, signer: input.signerAddress },
      },
    ]);
    return provider;
  });
}

/** The caller's provider profile; offers and keys need one. */
export async function requireProvider(executor: Executor, address: string): Promise<ProviderRow> {
  const provider = await providerByAddress(executor, address);
  if (!provider) {
    throw new AppError("forbidden", "Register as a provider before listing GPUs.");
  }
  return provider;
}

/**
 * Online/offline: offline providers' offers stay listed but are never matched. Back online, its
 * markets are re-matched.
 */
export async function changeProviderStatus(db: Db, address: string, to: ProviderStatus) {
  const { provider, moved } = await transaction(db, async (tx) => {
    const provider = await requireProvider(tx, address);
    const from: ProviderStatus = to === "online" ? "offline" : "online";
    const moved = await setProviderStatus(tx, provider.id, from, to);
    if (!moved) return { provider, moved: false };
    await appendEvents(tx, [
      {
        aggregate: "provider",
        aggregateId: provider.id,
        type: `provider.${to}`,
        fromStatus: from,
        toStatus: to,
        actor: address,
      },
    ]);
    return { provider: moved, moved: true };
  });
  if (moved && to === "online") await capacityFreed(db, await marketsOfProvider(db, provider.id));
  return provider;
}

/** A new agent API key: returned once in full, stored only as its sha256. */
export async function createApiKey(db: Db, address: string, label: string) {
  const provider = await requireProvider(db, address);
  const key = `${KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const row = await insertApiKey(db, {
    providerId: provider.id,
    label,
    prefix: key.slice(0, KEY_PREFIX.length + 6),
    keyHash: hashApiKey(key),
  });
  return { ...row, key };
}

export async function revokeApiKey(db: Db, address: string, keyId: string) {
  const provider = await requireProvider(db, address);
  const row = await revokeKeyRow(db, provider.id, keyId);
  if (!row) throw new AppError("not_found", "No such live key.", { keyId: ["no such key"] });
  return row;
}

/** The provider behind an agent's API key, or undefined for an unknown or revoked key. */
export async function providerForApiKey(executor: Executor, key: string) {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  return providerByKeyHash(executor, hashApiKey(key));
}
