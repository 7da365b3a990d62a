import type { Db } from "@/db/client";
import { ensureUser } from "@/db/queries/providers";
import { SESSION_COOKIE, signSessionCookie } from "@/lib/auth/session-token";
import { createSession } from "@/lib/auth/sessions";
import { createApiKey } from "../providers/providers";
import { seedOffer, seedProvider } from "../testing";
import type { AgentDeps } from "./handlers";

/** Fixtures for the agent API's tests: real services, real keys, real sessions. */
export const TEST_SECRET = "s".repeat(48);

export function agentTestDeps(db: Db, overrides: Partial<AgentDeps> = {}): AgentDeps {
  return {
    db,
    clientIp: { trustedProxyHops: 0, clientIpHeader: "x-forwarded-for" },
    secret: TEST_SECRET,
    rateLimit: { name: "agent-key", limit: 100_000, windowSeconds: 60 },
    ...overrides,
  };
}

/** A provider with a local signer key, an offer of 8 GPUs and an agent API key. */
export async function seedAgentProvider(db: Db, n: number, gpuModel = "h100-80gb") {
  const seeded = await seedProvider(db, n);
  const offer = await seedOffer(db, seeded.address, { gpuModel, gpusTotal: 8 });
  const { key } = await createApiKey(db, seeded.address, `agent ${n}`);
  return { ...seeded, offer, key };
}

/** A session cookie for a consumer wallet, as the browser would send it. */
export async function consumerCookie(db: Db, address: `0x${string}`): Promise<string> {
  await ensureUser(db, address.toLowerCase());
  const { token } = await createSession(db, {
    address,
    ttlSeconds: 3600,
    client: { key: "ip:198.51.100.1", ipSummary: "", userAgent: "test" },
    now: new Date(),
  });
  return `${SESSION_COOKIE}=${signSessionCookie(token, TEST_SECRET)}`;
}

const BASE = "http://market.test";

export function agentRequest(
  path: string,
  key: string,
  init: { method?: string; json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { authorization: `Bearer ${key}`, ...init.headers };
  let body = init.body;
  if (init.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(init.json);
  }
  return new Request(`${BASE}${path}`, {
    method: init.method ?? (body === undefined ? "GET" : "POST"),
    headers,
    body,
  });
}
