import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { type Hex, parseEther } from "viem";
import { type DbHandle, queryRows } from "@/db/client";
import { leaseById } from "@/db/queries/leases";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { type Clients, clientsFor, marketOn } from "@/lib/devnet/test-helpers";
import { Indexer } from "@/lib/indexer/indexer";
import { rpcClient } from "@/lib/indexer/run";
import { registerProviderInput } from "@/lib/market/schemas";
import { type AgentHttpServer, serveAgentApi } from "@/lib/services/agent/http-server";
import { agentTestDeps } from "@/lib/services/agent/testing";
import { createApiKey, registerProvider } from "@/lib/services/providers/providers";
import { quoteOfLease } from "@/lib/services/quotes/sign-lease";
import { seedOffer } from "@/lib/services/testing";
import { fundJobArgs, fundJobValue } from "@/lib/web3/fund-job";
import { loadOrCreateSignerKey } from "./signer-key";
import { eventually, freePort, spawnAgent, startServerProcess } from "./testing";

/**
 * A whole market for the agent's end-to-end test and benchmark: the devnet (the contract WASM),
 * the indexer ticking every 200 ms, a staked provider whose signer is the key the agent will
 * find in `workDir`, an offer, an API key, and the agent API's real handlers over HTTP.
 */
export async function startAgentMarket(
  db: DbHandle,
  options: {
    gpusOffered?: number;
    /**
     * Postgres URL of `db`: the agent API and the indexer then run in a server process of their
     * own (lib/agent/server-process.ts), which restartServer kills and starts again.
     */
    serverProcess?: { databaseUrl: string };
  } = {},
) {
  const devnet: Devnet = await startDevnet({ port: 0 });
  const market = marketOn(devnet);
  const provider: Clients = clientsFor(devnet, 5);
  const consumer: Clients = clientsFor(devnet, 6);
  const workDir = mkdtempSync(path.join(os.tmpdir(), "agent-market-"));
  const { account: signer } = loadOrCreateSignerKey(path.join(workDir, "signer.key"));
  await market.send(provider, "stake", [], parseEther("50"));
  await market.send(provider, "setSigner", [signer.address]);
  // Gas for acknowledgeStart and submitResult.
  await provider.walletClient.sendTransaction({ to: signer.address, value: parseEther("1") });
  const ix = new Indexer(db.db, rpcClient(devnet.url), {
    chainId: devnet.chainId,
    contract: devnet.contractAddress,
    startBlock: 0n,
    confirmations: 0,
    chunkBlocks: 1000,
    mayReset: true,
  });
  let ticking = false;
  const indexTimer = setInterval(async () => {
    if (options.serverProcess || ticking) return;
    ticking = true;
    await ix.tick().catch(() => undefined);
    ticking = false;
  }, 200);
  const address = provider.account.address.toLowerCase();
  await registerProvider(
    db.db,
    address,
    registerProviderInput.parse({
      name: "agent box",
      region: "us-east",
      signerAddress: signer.address,
    }),
  );
  await seedOffer(db.db, address, { gpuModel: "h100-80gb", gpusTotal: options.gpusOffered ?? 2 });
  const apiKey = (await createApiKey(db.db, address, "agent")).key;
  const serveOnce = async (port = 0): Promise<AgentHttpServer & { pid?: number }> => {
    if (!options.serverProcess) return serveAgentApi(agentTestDeps(db.db), port);
    return startServerProcess({
      SERVER_DATABASE_URL: options.serverProcess.databaseUrl,
      SERVER_PORT: String(port || (await freePort())),
      SERVER_RPC_URL: devnet.url,
      SERVER_CHAIN_ID: String(devnet.chainId),
      SERVER_CONTRACT: devnet.contractAddress,
    });
  };
  let server = await serveOnce();
  // The engine matches only providers whose stake the index shows.
  await eventually(
    () => queryRows<{ n: number }>(db.db, sql`select count(*)::int as n from chain_providers`),
    (rows) => (rows[0]?.n ?? 0) > 0,
    30_000,
    "the provider's stake indexed",
  );
  const agentArgs = (extra: string[] = []) => [
    "--server",
    server.url,
    "--api-key",
    apiKey,
    "--work-dir",
    workDir,
    "--rpc-url",
    devnet.url,
    ...extra,
  ];
  return {
    devnet,
    market,
    provider,
    consumer,
    workDir,
    apiKey,
    get server() {
      return server;
    },
    /**
     * Stops the HTTP server (every connection dropped; with `serverProcess`, the whole process
     * killed, its database connections and indexer with it) and serves it again on the same port.
     */
    async restartServer(downMs = 0, whileDown?: () => Promise<void>) {
      const port = server.port;
      await server.close();
      await whileDown?.();
      if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
      server = await serveOnce(port);
    },
    spawnAgent: (extra: string[] = []) => spawnAgent(agentArgs(extra)),
    /** Funds a lease on chain from the consumer's wallet once the agent has quoted it. */
    async fundWhenQuoted(leaseId: string) {
      const lease = await eventually(
        () => leaseById(db.db, leaseId),
        (l) => l?.status === "quoted",
        60_000,
        "quoted by the agent",
      );
      const quote = await quoteOfLease(db.db, lease as NonNullable<typeof lease>);
      if (!quote) throw new Error("no quote");
      await market.send(consumer, "fundJob", fundJobArgs(quote), fundJobValue(quote.message));
      return quote;
    },
    async chainJob(chainJobId: Hex) {
      const [row] = await queryRows<{ status: string; result_hash: string | null }>(
        db.db,
        sql`select status, result_hash from chain_jobs where job_id = ${chainJobId.toLowerCase()}`,
      );
      return row;
    },
    async stop() {
      clearInterval(indexTimer);
      await server.close();
      await devnet.stop();
    },
  };
}
export type AgentMarket = Awaited<ReturnType<typeof startAgentMarket>>;
