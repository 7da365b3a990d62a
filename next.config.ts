import type { NextConfig } from "next";

const emptyModule = "./lib/testing/empty-module.ts";
const x402Stub = "./lib/web3/x402-unavailable.ts";

/**
 * Hosts whose pages may call server actions although the request's Host (or X-Forwarded-Host)
 * names another: APP_ORIGIN's host, and ALLOWED_ORIGINS (comma-separated hosts or origins,
 * `*.example.com` wildcards allowed). Needed behind a reverse proxy that does not pass the public
 * host on; read when the server starts.
 */
function serverActionOrigins(): string[] {
  const entries = [process.env.APP_ORIGIN ?? "", ...(process.env.ALLOWED_ORIGINS ?? "").split(",")];
  const hosts = entries
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => (/^[a-z][a-z0-9+.-]*:\/\//i.test(e) && URL.canParse(e) ? new URL(e).host : e));
  return [...new Set(hosts)];
}

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  // wagmi's optional connectors pull in modules that are not installed; nothing here uses them.
  turbopack: {
    resolveAlias: {
      "@x402/core": x402Stub,
      "@x402/core/client": x402Stub,
      "@x402/evm": x402Stub,
      "@x402/evm/exact/client": x402Stub,
      "@x402/evm/upto/client": x402Stub,
      "@x402/svm/exact/client": x402Stub,
      "@x402/fetch": x402Stub,
      "pino-pretty": emptyModule,
    },
  },
  // `npm test` type-checks the whole repository with `tsc --noEmit`; repeating it here would add
  // about a minute to every build on a small machine, `npm start` included.
  typescript: { ignoreBuildErrors: true },
  poweredByHeader: false,
  experimental: {
    serverActions: { allowedOrigins: serverActionOrigins() },
    // proxy.ts runs on every request, so Next keeps a copy of each body for the route behind it:
    // at most this much (server actions take at most 1 MB; routes refuse far less, lib/http/body.ts).
    proxyClientMaxBodySize: "1mb",
  },
};

export default nextConfig;
