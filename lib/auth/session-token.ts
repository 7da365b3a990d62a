import { createHmac, timingSafeEqual } from "node:crypto";
import { type Address, getAddress, isAddress } from "viem";

/** What the session cookie carries: the signed-in wallet and when the session ends (unix seconds). */
export type SessionPayload = { address: Address; exp: number };

export const SESSION_COOKIE = "gpu_market_session";

function mac(body: string, secret: string): Buffer {
  return createHmac("sha256", secret).update(body).digest();
}

/** `base64url(json payload).base64url(HMAC-SHA256(secret, first part))`. */
export function signSessionToken(payload: SessionPayload, secret: string): string {
  const body = Buffer.from(
    JSON.stringify({ address: payload.address.toLowerCase(), exp: payload.exp }),
  ).toString("base64url");
  return `${body}.${mac(body, secret).toString("base64url")}`;
}

/**
 * The payload of a token this server signed and that has not expired at `nowSeconds`, or null.
 * The MAC is compared in constant time before the payload is trusted or even parsed.
 */
export function verifySessionToken(
  token: string | undefined,
  secret: string,
  nowSeconds: number,
): SessionPayload | null {
  if (!token) return null;
  const dot = token.indexOf(".");
  if (dot <= 0 || dot !== token.lastIndexOf(".")) return null;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), "base64url");
  const expected = mac(body, secret);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const { address, exp } = parsed as Record<string, unknown>;
  if (typeof address !== "string" || !isAddress(address, { strict: false })) return null;
  if (typeof exp !== "number" || !Number.isSafeInteger(exp) || exp <= nowSeconds) return null;
  return { address: getAddress(address), exp };
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
