import type { NextConfig } from "next";

const emptyModule = "./lib/testing/empty-module.ts";
const x402Stub = "./lib/web3/x402-unavailable.ts";

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
};

export default nextConfig;
