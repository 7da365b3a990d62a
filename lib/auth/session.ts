import "server-only";
import type { Address } from "viem";

/** A signed-in wallet. */
export type Session = { address: Address; expiresAt: Date };

/** The session from the request's signed cookie, or null. (Filled in by the SIWE module.) */
export async function getSession(): Promise<Session | null> {
  return null;
}
