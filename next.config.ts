import type { NextConfig } from "next";

const emptyModule = "./lib/testing/empty-module.ts";

const nextConfig: NextConfig = {
  // PGlite loads its WASM and data files from its own package folder at run time.
  serverExternalPackages: ["@electric-sql/pglite", "pg"],
  // wagmi's optional connectors pull in modules that are not installed; nothing here uses them.
  turbopack: {
    resolveAlias: {
      "@x402/core": emptyModule,
      "@x402/evm": emptyModule,
      "@x402/fetch": emptyModule,
      "pino-pretty": emptyModule,
    },
  },
  poweredByHeader: false,
};

export default nextConfig;
