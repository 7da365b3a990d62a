import "server-only";
import { cookies } from "next/headers";
import { cache } from "react";
import { getDb } from "@/db";
import { sessionSecret } from "./config";
import { SESSION_COOKIE } from "./session-token";
import { type Session, sessionFromCookie } from "./sessions";

export type { Session } from "./sessions";

/**
 * The request's session, checked against the sessions table on every request (once per request:
 * the layout, the page and an action share the answer). Null when the cookie is absent, forged,
 * signed out or expired.
 */
export const getSession = cache(async (): Promise<Session | null> => {
  const store = await cookies();
  const value = store.get(SESSION_COOKIE)?.value;
  if (!value) return null;
  return sessionFromCookie(await getDb(), value, sessionSecret(), new Date());
});
