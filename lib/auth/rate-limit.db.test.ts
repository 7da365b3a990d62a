import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { type AuthDeps, handleNonce, handleVerify } from "./handlers";
import { enforceRateLimit, RateLimited } from "./rate-limit";
import { testAuthDeps } from "./testing";

const origin = "http://localhost:3100";
let handle: DbHandle;
let deps: AuthDeps;
let clock: Date;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});
beforeEach(() => {
  // 10 s into a minute: the window ends 50 s later.
  clock = new Date(Math.floor(Date.now() / 60_000) * 60_000 + 10_000);
  deps = testAuthDeps(handle.db, () => clock, {
    origin,
    secret: "z".repeat(48),
    rateLimits: { windowSeconds: 60, nonce: 3, signIn: 2 },
  });
});

let clients = 0;
const newClient = () => `198.51.100.${++clients}`;
const nonceFrom = (ip: string | null) =>
  handleNonce(
    new Request(`${origin}/api/auth/nonce`, {
      headers: ip ? { "x-forwarded-for": ip } : {},
    }),
    deps,
  );

describe(`rate limits kept in the database on ${testDriver()}`, () => {
  it("answers 429 with Retry-After once a client passes the nonce limit, until the window ends", async () => {
    const ip = newClient();
    for (let i = 0; i < 3; i++) expect((await nonceFrom(ip)).status).toBe(200);
    const refused = await nonceFrom(ip);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("50");
    expect(await refused.json()).toEqual({
      code: "rate_limited",
      message:
        "Too many sign-in requests from here: at most 3 every 60 seconds. Try again in 50 seconds.",
    });
    // Another client has its own count; the next window starts afresh.
    expect((await nonceFrom(newClient())).status).toBe(200);
    clock = new Date(clock.getTime() + 50_000);
    expect((await nonceFrom(ip)).status).toBe(200);
  });

  it("counts sign-in attempts before reading the body, so junk counts too", async () => {
    const ip = newClient();
    const attempt = () =>
      handleVerify(
        new Request(`${origin}/api/auth/verify`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": ip },
          body: "{}",
        }),
        deps,
      );
    expect((await attempt()).status).toBe(400);
    expect((await attempt()).status).toBe(400);
    const refused = await attempt();
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("puts every client in one bucket when no proxy is trusted", async () => {
    deps.clientIp = { trustedProxyHops: 0, clientIpHeader: "x-forwarded-for" };
    deps.rateLimits = { ...deps.rateLimits, nonce: 2 };
    clock = new Date(clock.getTime() + 120_000);
    expect((await nonceFrom(newClient())).status).toBe(200);
    expect((await nonceFrom(newClient())).status).toBe(200);
    // A forged X-Forwarded-For does not buy a fresh bucket.
    expect((await nonceFrom(newClient())).status).toBe(429);
    expect((await nonceFrom(null)).status).toBe(429);
  });

  it("lets exactly the limit through when many requests arrive at once", async () => {
    const policy = { name: "burst", limit: 10, windowSeconds: 60 };
    const results = await Promise.allSettled(
      Array.from({ length: 25 }, () =>
        enforceRateLimit(handle.db, policy, "ip:192.0.2.1", clock, "requests"),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(10);
    const refused = results.filter((r) => r.status === "rejected");
    expect(refused).toHaveLength(15);
    for (const r of refused)
      expect((r as PromiseRejectedResult).reason).toBeInstanceOf(RateLimited);
  });
});
