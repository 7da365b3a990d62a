import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const SESSION_COOKIE = "gpu_market_session";

function mac(body: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

/** A new session token: 32 random bytes, base64url. Only its sha256 is stored (sessionIdOf). */
export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

/** The sessions table's key for a token: sha256, hex. A copy of the table yields no cookies. */
export function sessionIdOf(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/**
 * The cookie value for a token: `token.base64url(HMAC-SHA256(secret, token))`. The MAC lets the
 * server drop a forged or garbled cookie without a database query; the sessions row decides
 * whether a well-formed one is still live.
 */
export function signSessionCookie(token: string, secret: string): string {
  return `${token}.${mac(token, secret).toString("base64url")}`;
}

/**
 * The token in a cookie value this server signed, or null. The MAC is compared in constant time
 * before the token is used.
 */
export function readSessionCookie(value: string | undefined, secret: string): string | null {
  if (!value) return null;
  const dot = value.indexOf(".");
  if (dot <= 0 || dot !== value.lastIndexOf(".")) return null;
  const token = value.slice(0, dot);
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  // Compared as text, so each token has exactly one valid cookie value.
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(mac(token, secret).toString("base64url"));
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  return token;
}

export type CookieOptions = {
  httpOnly: true;
  sameSite: "lax";
  secure: boolean;
  path: "/";
  maxAge: number;
};

/** httpOnly and SameSite=Lax always; Secure whenever the site is served over https. */
export function sessionCookieOptions(origin: string, maxAgeSeconds: number): CookieOptions {
  return {
    httpOnly: true,
    sameSite: "lax",
    secure: new URL(origin).protocol === "https:",
    path: "/",
    maxAge: maxAgeSeconds,
  };
}

/** A Set-Cookie header value (for responses built without Next's cookie helpers). */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAge}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (options.maxAge === 0) parts.push("Expires=Thu, 01 Jan 1970 00:00:00 GMT");
  if (options.secure) parts.push("Secure");
  return parts.join("; ");
}

/** One cookie's value from a Cookie request header. */
export function readCookie(header: string | null, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}
