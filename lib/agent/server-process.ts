/**
 * The marketplace's server side as its own process, for the agent's restart test: the agent
 * API's route handlers over HTTP, its Postgres pool (and LISTEN connection), and the indexer
 * ticking every 200 ms, as `next start` runs them. Killing this process drops all of them at
 * once; the database (Postgres) and the chain stay. Run with
 * `node --import tsx --conditions=react-server lib/agent/server-process.ts` and
 * SERVER_DATABASE_URL, SERVER_PORT, SERVER_RPC_URL, SERVER_CHAIN_ID, SERVER_CONTRACT.
 */
import { openDb } from "@/db/client";
import { Indexer } from "@/lib/indexer/indexer";
import { rpcClient } from "@/lib/indexer/run";
import { serveAgentApi } from "@/lib/services/agent/http-server";
import { agentTestDeps } from "@/lib/services/agent/testing";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

async function main() {
  const handle = await openDb({ driver: "postgres", url: required("SERVER_DATABASE_URL") });
  const rpcUrl = required("SERVER_RPC_URL");
  const indexer = new Indexer(handle.db, rpcClient(rpcUrl), {
    chainId: Number(required("SERVER_CHAIN_ID")),
    contract: required("SERVER_CONTRACT") as `0x${string}`,
    startBlock: 0n,
    confirmations: 0,
    chunkBlocks: 1000,
    mayReset: false,
  });
  let ticking = false;
  setInterval(async () => {
    if (ticking) return;
    ticking = true;
    await indexer.tick().catch(() => undefined);
    ticking = false;
  }, 200);
  const server = await serveAgentApi(agentTestDeps(handle.db), Number(required("SERVER_PORT")));
  console.log(`serving ${server.url}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
