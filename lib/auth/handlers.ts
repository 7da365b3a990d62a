import "server-only";
import type { Executor } from "@/db";
import { AppError, httpStatus, toFailure } from "@/lib/errors";
import {
  readCookie,
  SESSION_COOKIE,
  serializeCookie,
  sessionCookieOptions,
  signSessionToken,
  verifySessionToken,
} from "./session-token";
import { issueNonce, verifyRequestSchema, verifySiweSignIn } from "./siwe";

/** Everything the auth routes depend on, passed in so tests can run them on a test database. */
export type AuthDeps = {
  db: Executor;
  origin: string;
  chainId: number;
  chainName: string;
  secret: string;
  sessionTtlSeconds: number;
  nonceTtlSeconds: number;
  now?: () => Date;
};

const noStore = { "cache-control": "no-store" };

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { ...noStore, ...headers } });
}

/** The one place an error becomes an HTTP answer: `{code, message}` with the code's status. */
export function errorResponse(error: unknown): Response {
  const failure = toFailure(error);
  const body: Record<string, unknown> = { code: failure.code, message: failure.message };
  if (failure.fieldErrors) body.fieldErrors = failure.fieldErrors;
  return json(body, httpStatus(failure.code));
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

export async function handleNonce(deps: AuthDeps): Promise<Response> {
  try {
    const { nonce, expiresAt } = await issueNonce(deps.db, deps.nonceTtlSeconds, deps.now?.());
    return json({ nonce, expiresAt: expiresAt.toISOString() });
  } catch (error) {
    return errorResponse(error);
  }
}

export async function handleVerify(request: Request, deps: AuthDeps): Promise<Response> {
  try {
    assertSameOrigin(request, deps.origin);
    let raw: unknown;
    try {
      raw = await request.json();
    } catch {
      throw new AppError("bad_request", "Send a JSON body with the signed message and signature.");
    }
    const parsed = verifyRequestSchema.safeParse(raw);
    if (!parsed.success) {
      throw new AppError(
        "bad_request",
        `Send a JSON body with the signed message and signature: ${parsed.error.issues.map((i) => i.message).join("; ")}.`,
      );
    }
    const now = deps.now?.() ?? new Date();
    const { address } = await verifySiweSignIn(deps.db, parsed.data, {
      origin: deps.origin,
      chainId: deps.chainId,
      chainName: deps.chainName,
      now,
    });
    const exp = Math.floor(now.getTime() / 1000) + deps.sessionTtlSeconds;
    const token = signSessionToken({ address, exp }, deps.secret);
    const cookie = serializeCookie(
      SESSION_COOKIE,
      token,
      sessionCookieOptions(deps.origin, deps.sessionTtlSeconds),
    );
    return json({ address, expiresAt: new Date(exp * 1000).toISOString() }, 200, {
      "set-cookie": cookie,
    });
  } catch (error) {
    return errorResponse(error);
  }
}

export function handleSignOut(request: Request, deps: Pick<AuthDeps, "origin">): Response {
  try {
    assertSameOrigin(request, deps.origin);
  } catch (error) {
    return errorResponse(error);
  }
  const cleared = serializeCookie(SESSION_COOKIE, "", sessionCookieOptions(deps.origin, 0));
  return json({ signedOut: true }, 200, { "set-cookie": cleared });
}

export function handleSession(request: Request, deps: Pick<AuthDeps, "secret" | "now">): Response {
  const now = deps.now?.() ?? new Date();
  const session = verifySessionToken(
    readCookie(request.headers.get("cookie"), SESSION_COOKIE),
    deps.secret,
    Math.floor(now.getTime() / 1000),
  );
  if (!session) return json({ authenticated: false });
  return json({
    authenticated: true,
    address: session.address,
    expiresAt: new Date(session.exp * 1000).toISOString(),
  });
}
