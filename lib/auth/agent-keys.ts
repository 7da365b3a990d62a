import "server-only";
import { createHash } from "node:crypto";
import type { Executor } from "@/db";
import { isRevokedApiKey, markLiveApiKeyUsed } from "@/db/queries/auth";
import { providerById } from "@/db/queries/providers";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import type { Client } from "@/lib/http/client";
import { enforceRateLimit, type RateLimit } from "./rate-limit";

/** `gmk_` and 43 base64url characters (32 random bytes), as lib/services/providers.ts makes them. */
const KEY_FORMAT = /^gmk_[A-Za-z0-9_-]{43}$/;

/** What provider_api_keys.key_hash holds: sha256 of the whole key, hex. */
export function agentKeyHash(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export type AgentKeyOptions = { limit?: RateLimit; now?: Date };

/** RATE_LIMIT_AGENT_KEY requests per client and RATE_LIMIT_WINDOW_SECONDS. */
export function agentKeyRateLimit(): RateLimit {
  const e = env();
  return {
    name: "agent-key",
    limit: e.RATE_LIMIT_AGENT_KEY,
    windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
  };
}

/**
 * The provider an agent's API key (from its Authorization header) belongs to. Counts the request
 * against the client's rate limit first, so guessing keys costs one request each; then looks the
 * key up by its sha256, refuses unknown and revoked keys, and records when it was last used.
 */
export async function authenticateAgentKey(
  db: Executor,
  rawKey: string,
  client: Client,
  options: AgentKeyOptions = {},
) {
  const now = options.now ?? new Date();
  await enforceRateLimit(
    db,
    options.limit ?? agentKeyRateLimit(),
    client.key,
    now,
    "agent API requests",
  );
  const key = rawKey.trim();
  if (!KEY_FORMAT.test(key)) {
    throw new AppError(
      "unauthorized",
      "Send the agent API key as `Authorization: Bearer gmk_...`, exactly as the Provider page showed it.",
    );
  }
  const keyHash = agentKeyHash(key);
  const used = await markLiveApiKeyUsed(db, keyHash, now);
  if (!used) {
    if (await isRevokedApiKey(db, keyHash)) {
      throw new AppError(
        "unauthorized",
        "This agent API key was revoked. Create a new key on the Provider page and give it to the agent.",
      );
    }
    throw new AppError(
      "unauthorized",
      "This agent API key is not valid. Copy it again from where you saved it, or create a new one on the Provider page.",
    );
  }
  const provider = await providerById(db, used.providerId);
  if (!provider) throw new Error("an API key's provider is missing");
  return { keyId: used.id, provider };
}
