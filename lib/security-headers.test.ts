import { describe, expect, it } from "vitest";
import { contentSecurityPolicy, newNonce, staticSecurityHeaders } from "./security-headers";

const directives = (csp: string) =>
  new Map(
    csp.split("; ").map((d) => {
      const [name = "", ...values] = d.split(" ");
      return [name, values] as const;
    }),
  );

const base = {
  nonce: "bm9uY2U=",
  rpcUrl: "http://127.0.0.1:8547",
  walletConnect: false,
  appOrigin: "http://localhost:3000",
};

describe("contentSecurityPolicy", () => {
  it("allows scripts by nonce only, and the chain's RPC as the one other host", () => {
    const csp = directives(contentSecurityPolicy(base));
    expect(csp.get("script-src")).toEqual(["'self'", "'nonce-bm9uY2U='", "'strict-dynamic'"]);
    expect(csp.get("connect-src")).toEqual(["'self'", "http://127.0.0.1:8547"]);
    expect(csp.get("frame-ancestors")).toEqual(["'none'"]);
    expect(csp.get("object-src")).toEqual(["'none'"]);
    expect(csp.get("frame-src")).toEqual(["'none'"]);
    expect(csp.has("upgrade-insecure-requests")).toBe(false);
    expect(contentSecurityPolicy(base)).not.toMatch(/walletconnect|unsafe-eval/);
  });

  it("names the RPC by its origin, whatever its path", () => {
    const csp = directives(
      contentSecurityPolicy({ ...base, rpcUrl: "https://arb-sepolia.example.com/v2/key123" }),
    );
    expect(csp.get("connect-src")).toEqual(["'self'", "https://arb-sepolia.example.com"]);
  });

  it("opens WalletConnect's hosts only when it is enabled", () => {
    const csp = directives(contentSecurityPolicy({ ...base, walletConnect: true }));
    expect(csp.get("connect-src")).toContain("wss://*.walletconnect.org");
    expect(csp.get("frame-src")).toContain("https://verify.walletconnect.org");
    expect(csp.get("frame-src")).not.toContain("'none'");
  });

  it("upgrades insecure requests on an https origin; eval only in development", () => {
    const https = directives(
      contentSecurityPolicy({ ...base, appOrigin: "https://market.example.com" }),
    );
    expect(https.has("upgrade-insecure-requests")).toBe(true);
    expect(directives(contentSecurityPolicy({ ...base, dev: true })).get("script-src")).toContain(
      "'unsafe-eval'",
    );
  });
});

describe("staticSecurityHeaders", () => {
  it("forbids framing and sniffing, trims the referrer, and adds HSTS only over https", () => {
    const http = staticSecurityHeaders("http://localhost:3000");
    expect(http).toMatchObject({
      "X-Content-Type-Options": "nosniff",
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "strict-origin-when-cross-origin",
    });
    expect(http["Permissions-Policy"]).toContain("camera=()");
    expect(http["Strict-Transport-Security"]).toBeUndefined();
    expect(staticSecurityHeaders("https://m.example")["Strict-Transport-Security"]).toMatch(
      /max-age=\d+/,
    );
  });
});

it("newNonce is fresh and carries 128 bits", () => {
  const a = newNonce();
  expect(a).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  expect(newNonce()).not.toBe(a);
});
