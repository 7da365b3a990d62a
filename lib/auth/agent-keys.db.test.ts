import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { ensureUser, insertApiKey, revokeApiKey, upsertProvider } from "@/db/queries/providers";
import { providerApiKeys } from "@/db/schema";
import { createTestDb, testDriver } from "@/db/testing";
import type { Client } from "@/lib/http/client";
import { agentKeyHash, authenticateAgentKey } from "./agent-keys";
import { RateLimited } from "./rate-limit";

let handle: DbHandle;
let providerId: string;
const address = "0x00000000000000000000000000000000000a9e17";

beforeAll(async () => {
  handle = await createTestDb();
  await ensureUser(handle.db, address);
  const { provider } = await upsertProvider(handle.db, {
    address,
    name: "agent test",
    region: "eu-west",
    signerAddress: address,
  });
  providerId = provider.id;
});
afterAll(async () => {
  await handle?.close();
});

async function newKey(): Promise<{ key: string; id: string }> {
  const key = `gmk_${randomBytes(32).toString("base64url")}`;
  const row = await insertApiKey(handle.db, {
    providerId,
    label: "box",
    prefix: key.slice(0, 10),
    keyHash: agentKeyHash(key),
  });
  if (!row) throw new Error("no key row");
  return { key, id: row.id };
}

let n = 0;
const client = (): Client => ({ key: `ip:192.0.2.${++n}`, ipSummary: "", userAgent: "agent" });
const generous = { name: "agent-key", limit: 100, windowSeconds: 60 };

describe(`agent API keys on ${testDriver()}`, () => {
  it("accepts a live key, names its provider and records when it was used", async () => {
    const { key, id } = await newKey();
    const at = new Date("2026-05-01T12:00:00Z");
    const result = await authenticateAgentKey(handle.db, key, client(), {
      limit: generous,
      now: at,
    });
    expect(result).toMatchObject({ keyId: id, provider: { id: providerId, address } });
    const [row] = await handle.db.select().from(providerApiKeys).where(eq(providerApiKeys.id, id));
    expect(row?.lastUsedAt?.getTime()).toBe(at.getTime());
  });

  it("refuses a revoked key, an unknown key and a malformed one", async () => {
    const { key, id } = await newKey();
    await revokeApiKey(handle.db, providerId, id);
    const refusal = (raw: string) =>
      authenticateAgentKey(handle.db, raw, client(), { limit: generous }).then(
        () => "accepted",
        (e: Error) => e.message,
      );
    expect(await refusal(key)).toMatch(/was revoked\. Create a new key/);
    const [row] = await handle.db.select().from(providerApiKeys).where(eq(providerApiKeys.id, id));
    expect(row?.lastUsedAt).toBeNull();
    expect(await refusal(`gmk_${randomBytes(32).toString("base64url")}`)).toMatch(/is not valid/);
    expect(await refusal("Bearer nonsense")).toMatch(/Authorization: Bearer gmk_/);
  });

  it("rate-limits each client, counting refused guesses too", async () => {
    const { key } = await newKey();
    const caller = client();
    const limit = { name: "agent-key", limit: 2, windowSeconds: 60 };
    const now = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 15_000);
    await expect(
      authenticateAgentKey(handle.db, "gmk_wrong", caller, { limit, now }),
    ).rejects.toThrow(/Authorization/);
    await authenticateAgentKey(handle.db, key, caller, { limit, now });
    const error = await authenticateAgentKey(handle.db, key, caller, { limit, now }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RateLimited);
    expect((error as RateLimited).retryAfterSeconds).toBe(45);
    // Another client is not held back by this one.
    await expect(
      authenticateAgentKey(handle.db, key, client(), { limit, now }),
    ).resolves.toBeTruthy();
  });
});
