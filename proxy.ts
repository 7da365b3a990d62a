import { type NextRequest, NextResponse } from "next/server";
import { appOrigin, chainConfig, env, publicEnv } from "@/lib/env";
import { contentSecurityPolicy, newNonce, staticSecurityHeaders } from "@/lib/security-headers";

/**
 * Runs before every request: a fresh CSP nonce, which Next.js reads from the request's
 * Content-Security-Policy header and puts on the scripts it renders, and the security headers
 * on the response. Pages are rendered per request (the root layout reads the cookie), so each
 * page carries its own nonce.
 */
export function proxy(request: NextRequest) {
  const pub = publicEnv();
  const origin = appOrigin(env());
  const csp = contentSecurityPolicy({
    nonce: newNonce(),
    rpcUrl: chainConfig(pub).rpcUrl,
    walletConnect: Boolean(pub.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID),
    appOrigin: origin,
    dev: process.env.NODE_ENV === "development",
  });
  const requestHeaders = new Headers(request.headers);
  requestHeaders.set("Content-Security-Policy", csp);
  const response = NextResponse.next({ request: { headers: requestHeaders } });
  response.headers.set("Content-Security-Policy", csp);
  for (const [name, value] of Object.entries(staticSecurityHeaders(origin))) {
    response.headers.set(name, value);
  }
  return response;
}
