import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { chainConfig, env } from "@/lib/env";
import { probeChainId } from "@/lib/web3/rpc-probe";
import packageJson from "@/package.json";

const DB_TIMEOUT_MS = 3000;

/** What is wrong with the database, in fixed words: never the driver's text, which can hold hosts and users. */
export type DbProblem = "no answer within 3 s" | "unreachable";

class NoAnswer extends Error {
  override name = "Timeout";
}

/** A log line's worth of an error: its class and driver code (ECONNREFUSED, 57P01), no message. */
function summary(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  const safeCode = typeof code === "string" && /^[A-Z0-9_]{1,32}$/.test(code) ? ` ${code}` : "";
  return `${error.name}${safeCode}`;
}

async function databaseReachable(): Promise<{ reachable: boolean; problem?: DbProblem }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const db = await getDb();
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new NoAnswer()), DB_TIMEOUT_MS);
        timer.unref();
      }),
    ]);
    return { reachable: true };
  } catch (error) {
    const problem: DbProblem = error instanceof NoAnswer ? "no answer within 3 s" : "unreachable";
    console.error(`health: database ${problem} (${summary(error)})`);
    return { reachable: false, problem };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Liveness for load balancers and the start script: 200 while the database answers, 503 when it
 * does not, saying which part is down in fixed words. The chain is reported but does not fail the
 * check: pages that do not touch the chain keep working while an RPC endpoint is down.
 */
export async function GET() {
  const e = env();
  const chain = chainConfig(e);
  const [db, chainId] = await Promise.all([databaseReachable(), probeChainId(chain.rpcUrl)]);
  const body = {
    status: db.reachable ? "ok" : "unavailable",
    db: { driver: e.DATABASE_URL ? "postgres" : "pglite", ...db },
    chain: {
      key: chain.key,
      id: chain.chain.id,
      name: chain.chain.name,
      rpcUrl: chain.rpcUrl,
      reachable: chainId === chain.chain.id,
      ...(chainId !== null && chainId !== chain.chain.id ? { reportedChainId: chainId } : {}),
      marketAddress: chain.marketAddress ?? null,
    },
    version: packageJson.version,
  };
  return Response.json(body, {
    status: db.reachable ? 200 : 503,
    headers: { "cache-control": "no-store" },
  });
}
