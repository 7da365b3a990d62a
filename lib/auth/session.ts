import "server-only";
import { cookies } from "next/headers";
import type { Address } from "viem";
import { sessionSecret } from "./config";
import { SESSION_COOKIE, verifySessionToken } from "./session-token";

/** A signed-in wallet. */
export type Session = { address: Address; expiresAt: Date };

/** The session from the request's signed cookie, or null when absent, tampered with or expired. */
export async function getSession(): Promise<Session | null> {
  const store = await cookies();
  const payload = verifySessionToken(
    store.get(SESSION_COOKIE)?.value,
    sessionSecret(),
    Math.floor(Date.now() / 1000),
  );
  return payload ? { address: payload.address, expiresAt: new Date(payload.exp * 1000) } : null;
}
