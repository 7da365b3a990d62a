import { isAddress } from "viem";
import { z } from "zod";
import { type ChainKey, chainKeys, chainRegistry } from "./chains";

const optionalString = z
  .string()
  .trim()
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const address = z
  .string()
  .trim()
  .refine((v) => v === "" || isAddress(v), "must be a 0x-prefixed 20-byte hex address")
  .transform((v) => (v === "" ? undefined : (v as `0x${string}`)))
  .optional();

const url = z
  .string()
  .trim()
  .refine((v) => v === "" || URL.canParse(v), "must be a URL such as http://127.0.0.1:8547")
  .transform((v) => (v === "" ? undefined : v))
  .optional();

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const intIn = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback);
const KIB = 1024;
const MIB = 1024 * KIB;

export const envSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  /** Origin the browser uses; SIWE messages must name its host and URI. */
  APP_ORIGIN: url,
  /** Postgres server; when unset the app uses embedded PGlite in PGLITE_DATA_DIR. */
  DATABASE_URL: z
    .string()
    .trim()
    .refine(
      (v) => v === "" || /^postgres(ql)?:\/\//.test(v),
      "must be a postgres:// or postgresql:// connection URL",
    )
    .transform((v) => (v === "" ? undefined : v))
    .optional(),
  PGLITE_DATA_DIR: z.string().trim().min(1).default(".data/pglite"),
  /** Signs session cookies; at least 32 characters. Generated into the data folder when unset. */
  SESSION_SECRET: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    "must be at least 32 characters",
  ),
  SESSION_TTL_SECONDS: positiveInt(7 * 24 * 3600),
  /** Encrypts secret job env values at rest (AES-256-GCM); derived from the session secret when unset. */
  JOB_SECRETS_KEY: optionalString.refine(
    (v) => v === undefined || v.length >= 32,
    "must be at least 32 characters",
  ),
  SIWE_NONCE_TTL_SECONDS: positiveInt(300),
  /**
   * How many reverse proxies in front of the app append to CLIENT_IP_HEADER. 0 (the default)
   * trusts no header: every client shares one rate-limit bucket. Behind one proxy (nginx, a load
   * balancer) that appends to X-Forwarded-For, set 1; the client is then the entry that proxy added.
   */
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** The header the trusted proxies write the client's IP to (a list, rightmost hop last). */
  CLIENT_IP_HEADER: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9-]+$/, "must be a header name such as x-forwarded-for")
    .default("x-forwarded-for"),
  /** The rate limits' window, and how many requests each client may make in one. */
  RATE_LIMIT_WINDOW_SECONDS: positiveInt(60),
  /** Sign-in nonces issued per client and window. */
  RATE_LIMIT_NONCE: positiveInt(30),
  /** Sign-in attempts (POST /api/auth/verify) per client and window. */
  RATE_LIMIT_SIGN_IN: positiveInt(20),
  /** Requests per agent API key and client per window. */
  RATE_LIMIT_AGENT_KEY: positiveInt(600),
  /**
   * The provider agent API's limits (lib/services/agent/limits.ts, lib/agent/README.md). How
   * often an agent heartbeats (it is told so), and how many it may miss before its provider is
   * marked offline (at least 2, so one late heartbeat does not flap it).
   */
  AGENT_HEARTBEAT_SECONDS: intIn(1, 300, 10),
  AGENT_MISSED_HEARTBEATS: intIn(2, 100, 3),
  /** The longest GET /api/agent/work holds a request (or a work stream stays open). */
  AGENT_WORK_WAIT_SECONDS: intIn(1, 120, 25),
  /** JSON bodies (heartbeat, quote, start, submitted); a heartbeat with 8 GPUs is about 2 KiB. */
  AGENT_JSON_BODY_BYTES: intIn(4 * KIB, MIB, 16 * KIB),
  /** One log chunk (the agent sends up to 16 Ki characters, at most 64 KiB of UTF-8). */
  AGENT_LOG_CHUNK_BYTES: intIn(64 * KIB, MIB, 64 * KIB),
  /** All of one job's logs together. */
  AGENT_LOG_BYTES_PER_JOB: intIn(MIB, 1024 * MIB, 2 * MIB),
  /** One job's result (held in memory while uploaded, stored in the database). */
  AGENT_RESULT_BYTES: intIn(KIB, 64 * MIB, 8 * MIB),
  NEXT_PUBLIC_CHAIN: z.enum(chainKeys).default("devnet"),
  NEXT_PUBLIC_RPC_URL: url,
  NEXT_PUBLIC_MARKET_ADDRESS: address,
  NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: optionalString,
  /**
   * The chain indexer (lib/indexer): "on" runs it inside the app server, "off" leaves it to a
   * separate `npm run indexer` (or to nobody).
   */
  INDEXER: z.enum(["on", "off"]).default("on"),
  /** The block ComputeMarket was deployed in; indexing starts there (devnet: 0). */
  INDEXER_START_BLOCK: z.coerce.number().int().min(0).optional(),
  /**
   * Blocks a block needs on top of it before its events move the marketplace's jobs; blocks
   * above that depth are indexed at once and rolled back if replaced. Default: 0 on the devnet
   * (it never reorganises by itself), 20 elsewhere.
   */
  INDEXER_CONFIRMATIONS: z.coerce.number().int().min(0).max(10_000).optional(),
  /** How often the indexer asks for new blocks when it has caught up. */
  INDEXER_POLL_MS: positiveInt(200),
  /** The most blocks one getLogs request (and one transaction) covers. */
  INDEXER_CHUNK_BLOCKS: positiveInt(5_000),
  /**
   * The keeper (lib/keeper): "on" sends finalize / cancelExpired / settleDispute from this server
   * once they are due (with several servers on one database, one at a time: a lease); "off" none.
   */
  KEEPER: z.enum(["on", "off"]).default("on"),
  /**
   * The keeper's funded account (0x + 64 hex); it pays only gas. On the devnet it defaults to dev
   * account 9; on other chains the keeper does not run without one.
   */
  KEEPER_PRIVATE_KEY: optionalString.refine(
    (v) => v === undefined || /^0x[0-9a-fA-F]{64}$/.test(v),
    "must be 0x followed by 64 hex digits",
  ),
});

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  constructor(readonly issues: { variable: string; message: string }[]) {
    super(
      `Invalid configuration: ${issues.map((i) => `${i.variable} ${i.message}`).join("; ")}. Fix the environment (or .env) and restart.`,
    );
    this.name = "EnvError";
  }
}

/** Parses a raw environment; throws an EnvError naming every bad variable. */
export function parseEnv(raw: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(raw);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "environment"),
        message: issue.message,
      })),
    );
  }
  return result.data;
}

let cached: Env | undefined;

/** The process environment, parsed once. */
export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

export function appOrigin(e: Env = env()): string {
  return e.APP_ORIGIN ?? `http://localhost:${e.PORT}`;
}

export type ChainConfig = {
  key: ChainKey;
  chain: (typeof chainRegistry)[ChainKey]["chain"];
  rpcUrl: string;
  marketAddress: `0x${string}` | undefined;
};

/** The selected chain with its RPC URL and ComputeMarket address (env overrides the registry). */
export function chainConfig(
  e: Pick<Env, "NEXT_PUBLIC_CHAIN" | "NEXT_PUBLIC_RPC_URL" | "NEXT_PUBLIC_MARKET_ADDRESS"> = env(),
): ChainConfig {
  const entry = chainRegistry[e.NEXT_PUBLIC_CHAIN];
  return {
    key: e.NEXT_PUBLIC_CHAIN,
    chain: entry.chain,
    rpcUrl: e.NEXT_PUBLIC_RPC_URL ?? entry.chain.rpcUrls.default.http[0],
    marketAddress: e.NEXT_PUBLIC_MARKET_ADDRESS ?? entry.marketAddress,
  };
}

const publicSchema = envSchema.pick({
  NEXT_PUBLIC_CHAIN: true,
  NEXT_PUBLIC_RPC_URL: true,
  NEXT_PUBLIC_MARKET_ADDRESS: true,
  NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: true,
});

export type PublicEnv = z.infer<typeof publicSchema>;

/**
 * The NEXT_PUBLIC_ variables, safe in the browser: each is read by its literal name so that Next
 * inlines it into the client bundle.
 */
export function publicEnv(): PublicEnv {
  const result = publicSchema.safeParse({
    NEXT_PUBLIC_CHAIN: process.env.NEXT_PUBLIC_CHAIN,
    NEXT_PUBLIC_RPC_URL: process.env.NEXT_PUBLIC_RPC_URL,
    NEXT_PUBLIC_MARKET_ADDRESS: process.env.NEXT_PUBLIC_MARKET_ADDRESS,
    NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID: process.env.NEXT_PUBLIC_WALLETCONNECT_PROJECT_ID,
  });
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((i) => ({ variable: String(i.path[0]), message: i.message })),
    );
  }
  return result.data;
}
