import { sql } from "drizzle-orm";
import { getDb } from "@/db";
import { chainConfig, env } from "@/lib/env";
import { probeChainId } from "@/lib/web3/rpc-probe";
import packageJson from "@/package.json";

async function databaseReachable(): Promise<{ reachable: boolean; error?: string }> {
  try {
    const db = await getDb();
    await Promise.race([
      db.execute(sql`select 1`),
      new Promise((_, reject) =>
        setTimeout(() => reject(new Error("no answer within 3 s")), 3000).unref(),
      ),
    ]);
    return { reachable: true };
  } catch (error) {
    console.error("health: database check failed", error);
    return { reachable: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * Liveness for load balancers and the start script: 200 while the database answers, 503 when it
 * does not. The chain is reported but does not fail the check: pages that do not touch the chain
 * keep working while an RPC endpoint is down.
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
