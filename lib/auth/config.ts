import "server-only";
import { getDb } from "@/db";
import { appOrigin, chainConfig, env } from "@/lib/env";
import type { ClientIpOptions } from "@/lib/http/client";
import { chainSignatureVerifier } from "./contract-signatures";
import type { AuthDeps } from "./handlers";
import { loadOrCreateSecret, secretFilePath } from "./secret";

let secret: string | undefined;

/** The key that signs session cookies (see lib/auth/secret.ts). */
export function sessionSecret(): string {
  if (secret === undefined) {
    const e = env();
    secret = loadOrCreateSecret(e.SESSION_SECRET, secretFilePath(e.PGLITE_DATA_DIR));
  }
  return secret;
}

/** TRUSTED_PROXY_HOPS and CLIENT_IP_HEADER: whom to believe about the client's IP. */
export function clientIpOptions(): ClientIpOptions {
  const e = env();
  return { trustedProxyHops: e.TRUSTED_PROXY_HOPS, clientIpHeader: e.CLIENT_IP_HEADER };
}

/** The auth routes' dependencies, taken from the environment and the app database. */
export async function authDeps(): Promise<AuthDeps> {
  const e = env();
  const chain = chainConfig(e);
  return {
    db: await getDb(),
    origin: appOrigin(e),
    chainId: chain.chain.id,
    chainName: chain.chain.name,
    secret: sessionSecret(),
    sessionTtlSeconds: e.SESSION_TTL_SECONDS,
    nonceTtlSeconds: e.SIWE_NONCE_TTL_SECONDS,
    clientIp: clientIpOptions(),
    rateLimits: {
      windowSeconds: e.RATE_LIMIT_WINDOW_SECONDS,
      nonce: e.RATE_LIMIT_NONCE,
      signIn: e.RATE_LIMIT_SIGN_IN,
    },
    verifyContractSignature: chainSignatureVerifier(chain.chain, chain.rpcUrl),
  };
}
