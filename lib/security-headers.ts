/**
 * The security headers of every response (set in proxy.ts). Pure: the nonce and the
 * configuration come in, header values come out.
 */

/** Hosts WalletConnect-based wallets talk to (relay, RPC, wallet registry, verify frame). */
const walletConnect = {
  connect: [
    "https://*.walletconnect.com",
    "https://*.walletconnect.org",
    "wss://*.walletconnect.com",
    "wss://*.walletconnect.org",
    "https://*.web3modal.com",
    "https://*.web3modal.org",
  ],
  img: ["https://*.walletconnect.com", "https://*.walletconnect.org"],
  frame: ["https://verify.walletconnect.com", "https://verify.walletconnect.org"],
};

export type CspOptions = {
  /** Fresh per request; Next.js puts it on its own scripts. */
  nonce: string;
  /** The chain's JSON-RPC endpoint, which wagmi calls from the browser. */
  rpcUrl: string;
  /** WalletConnect hosts are allowed only when a project id enables those wallets. */
  walletConnect: boolean;
  /** https origins also get upgrade-insecure-requests. */
  appOrigin: string;
  /** `next dev` needs eval for React's debugging aids; production never does. */
  dev?: boolean;
};

/** Scheme, host and port of a URL (a CSP source), or undefined for a malformed one. */
function originOf(url: string): string | undefined {
  return URL.canParse(url) ? new URL(url).origin : undefined;
}

/**
 * Scripts only with this request's nonce ('strict-dynamic' lets them load the chunks they need),
 * no plugins, no framing, no base-URI or form-target hijacking; network calls to this origin and
 * the chain's RPC (plus WalletConnect when enabled). Styles may be inline: RainbowKit injects its
 * theme as a <style> element and React renders style attributes.
 */
export function contentSecurityPolicy(o: CspOptions): string {
  const rpc = originOf(o.rpcUrl);
  const wc = o.walletConnect;
  const directives: [string, ...string[]][] = [
    ["default-src", "'self'"],
    [
      "script-src",
      "'self'",
      `'nonce-${o.nonce}'`,
      "'strict-dynamic'",
      ...(o.dev ? ["'unsafe-eval'"] : []),
    ],
    ["style-src", "'self'", "'unsafe-inline'"],
    ["img-src", "'self'", "data:", "blob:", ...(wc ? walletConnect.img : [])],
    ["font-src", "'self'", "data:"],
    ["connect-src", "'self'", ...(rpc ? [rpc] : []), ...(wc ? walletConnect.connect : [])],
    ["frame-src", ...(wc ? walletConnect.frame : (["'none'"] as const))],
    ["worker-src", "'self'", "blob:"],
    ["manifest-src", "'self'"],
    ["object-src", "'none'"],
    ["base-uri", "'self'"],
    ["form-action", "'self'"],
    ["frame-ancestors", "'none'"],
  ];
  if (o.appOrigin.startsWith("https://")) directives.push(["upgrade-insecure-requests"]);
  return directives.map((d) => d.join(" ")).join("; ");
}

/** Features the marketplace never uses, switched off for it and anything it could embed. */
export const permissionsPolicy = [
  "camera=()",
  "microphone=()",
  "geolocation=()",
  "payment=()",
  "usb=()",
  "serial=()",
  "hid=()",
  "browsing-topics=()",
].join(", ");

/** Every header but the CSP: the same on every response. */
export function staticSecurityHeaders(appOrigin: string): Record<string, string> {
  return {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": permissionsPolicy,
    ...(appOrigin.startsWith("https://")
      ? { "Strict-Transport-Security": "max-age=31536000" }
      : {}),
  };
}

/** A fresh, unguessable nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}
