import "server-only";
import type { Executor } from "@/db";
import { AppError, httpStatus, toFailure } from "@/lib/errors";
import { BodyRefused, readJsonBody } from "@/lib/http/body";
import { type ClientIpOptions, clientOf } from "@/lib/http/client";
import type { ContractSignatureVerifier } from "./contract-signatures";
import { enforceRateLimit, RateLimited } from "./rate-limit";
import {
  readCookie,
  SESSION_COOKIE,
  serializeCookie,
  sessionCookieOptions,
  signSessionCookie,
} from "./session-token";
import { createSession, revokeCookieSession, sessionFromCookie } from "./sessions";
import { issueNonce, VERIFY_BODY_MAX_BYTES, verifyRequestSchema, verifySiweSignIn } from "./siwe";

/** Requests per client and window for each rate-limited auth endpoint. */
export type AuthRateLimits = { windowSeconds: number; nonce: number; signIn: number };

/** Everything the auth routes depend on, passed in so tests can run them on a test database. */
export type AuthDeps = {
  db: Executor;
  origin: string;
  chainId: number;
  chainName: string;
  secret: string;
  sessionTtlSeconds: number;
  nonceTtlSeconds: number;
  /** Which forwarded header names the client (rate limits, the sessions list). */
  clientIp: ClientIpOptions;
  rateLimits: AuthRateLimits;
  /** Smart-contract wallet signatures through the chain's RPC; absent, only EOAs sign in. */
  verifyContractSignature?: ContractSignatureVerifier;
  now?: () => Date;
};

const noStore = { "cache-control": "no-store" };

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...noStore, ...headers } });
}

/**
 * The one place an error becomes an HTTP answer: `{code, message}` with the code's status; a rate
 * limit adds Retry-After, a refused body answers 413 or 415.
 */
export function errorResponse(error: unknown): Response {
  if (error instanceof BodyRefused) {
    return json({ code: error.code, message: error.message }, error.status);
  }
  const failure = toFailure(error);
  const body: Record<string, unknown> = { code: failure.code, message: failure.message };
  if (failure.fieldErrors) body.fieldErrors = failure.fieldErrors;
  const headers: Record<string, string> =
    error instanceof RateLimited ? { "retry-after": String(error.retryAfterSeconds) } : {};
  return json(body, httpStatus(failure.code), headers);
}

/** Browsers send Origin on POST: a cross-site form or script posting here is refused. */
function assertSameOrigin(request: Request, origin: string) {
  const sent = request.headers.get("origin");
  const site = new URL(origin).origin;
  if (sent && sent !== site) {
    throw new AppError(
      "forbidden",
      `This marketplace is served at ${site}, not ${sent}. Open ${site} and sign in there.`,
    );
  }
}

function nowOf(deps: Pick<AuthDeps, "now">): Date {
  return deps.now?.() ?? new Date();
}

function limit(deps: AuthDeps, name: "nonce" | "sign-in") {
  return {
    name,
    limit: name === "nonce" ? deps.rateLimits.nonce : deps.rateLimits.signIn,
    windowSeconds: deps.rateLimits.windowSeconds,
  };
}

export async function handleNonce(request: Request, deps: AuthDeps): Promise<Response> {
  try {
    const now = nowOf(deps);
    const client = clientOf(request, deps.clientIp);
    await enforceRateLimit(deps.db, limit(deps, "nonce"), client.key, now, "sign-in requests");
    const { nonce, expiresAt } = await issueNonce(deps.db, deps.nonceTtlSeconds, now);
    return json({ nonce, expiresAt: expiresAt.toISOString() });
  } catch (error) {
    return errorResponse(error);
  }
}

const INVALID_VERIFY_BODY = "Send a JSON body with the signed message and signature.";

export async function handleVerify(request: Request, deps: AuthDeps): Promise<Response> {
  try {
    const now = nowOf(deps);
    const client = clientOf(request, deps.clientIp);
    await enforceRateLimit(deps.db, limit(deps, "sign-in"), client.key, now, "sign-in attempts");
    assertSameOrigin(request, deps.origin);
    const raw = await readJsonBody(request, {
      maxBytes: VERIFY_BODY_MAX_BYTES,
      invalid: INVALID_VERIFY_BODY,
    });
    const parsed = verifyRequestSchema.safeParse(raw);
    if (!parsed.success) {
      throw new AppError(
        "bad_request",
        `Send a JSON body with the signed message and signature: ${parsed.error.issues.map((i) => i.message).join("; ")}.`,
      );
    }
    const { address } = await verifySiweSignIn(deps.db, parsed.data, {
      origin: deps.origin,
      chainId: deps.chainId,
      chainName: deps.chainName,
      nonceTtlSeconds: deps.nonceTtlSeconds,
      now,
      verifyContractSignature: deps.verifyContractSignature,
    });
    // A new session at every sign-in; the one this browser held before (if any) ends here, so a
    // cookie planted before sign-in is worth nothing after it.
    await revokeCookieSession(
      deps.db,
      readCookie(request.headers.get("cookie"), SESSION_COOKIE),
      deps.secret,
      now,
    );
    const { token, session } = await createSession(deps.db, {
      address,
      ttlSeconds: deps.sessionTtlSeconds,
      client,
      now,
    });
    const cookie = serializeCookie(
      SESSION_COOKIE,
      signSessionCookie(token, deps.secret),
      sessionCookieOptions(deps.origin, deps.sessionTtlSeconds),
    );
    return json({ address, expiresAt: session.expiresAt.toISOString() }, 200, {
      "set-cookie": cookie,
    });
  } catch (error) {
    return errorResponse(error);
  }
}

/** Ends the request's session everywhere (the row is revoked) and clears the cookie. */
export async function handleSignOut(
  request: Request,
  deps: Pick<AuthDeps, "db" | "origin" | "secret" | "now">,
): Promise<Response> {
  try {
    assertSameOrigin(request, deps.origin);
    await revokeCookieSession(
      deps.db,
      readCookie(request.headers.get("cookie"), SESSION_COOKIE),
      deps.secret,
      nowOf(deps),
    );
  } catch (error) {
    return errorResponse(error);
  }
  const cleared = serializeCookie(SESSION_COOKIE, "", sessionCookieOptions(deps.origin, 0));
  return json({ signedOut: true }, 200, { "set-cookie": cleared });
}

export async function handleSession(
  request: Request,
  deps: Pick<AuthDeps, "db" | "secret" | "now">,
): Promise<Response> {
  try {
    const session = await sessionFromCookie(
      deps.db,
      readCookie(request.headers.get("cookie"), SESSION_COOKIE),
      deps.secret,
      nowOf(deps),
    );
    if (!session) return json({ authenticated: false });
    return json({
      authenticated: true,
      address: session.address,
      expiresAt: session.expiresAt.toISOString(),
    });
  } catch (error) {
    return errorResponse(error);
  }
}
