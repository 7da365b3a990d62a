import type { Executor } from "@/db/client";
import type { AuthDeps } from "./handlers";

/** The e2e and test origin the auth handlers are configured for. */
export const testOrigin = "http://localhost:3100";

/**
 * The auth handlers' dependencies for database tests: the devnet's chain, an hour's sessions,
 * five-minute nonces, generous rate limits, and the clock the test moves. Override what a test is about.
 */
export function testAuthDeps(
  db: Executor,
  now: () => Date,
  overrides: Partial<AuthDeps> = {},
): AuthDeps {
  return {
    db,
    origin: testOrigin,
    chainId: 412346,
    chainName: "Stylus Devnet",
    secret: "q".repeat(48),
    sessionTtlSeconds: 3600,
    nonceTtlSeconds: 300,
    clientIp: { trustedProxyHops: 1, clientIpHeader: "x-forwarded-for" },
    rateLimits: { windowSeconds: 60, nonce: 1000, signIn: 1000 },
    now,
    ...overrides,
  };
}
