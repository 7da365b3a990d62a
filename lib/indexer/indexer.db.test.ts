/**
 * The indexer against the embedded devnet running the real contract WASM, on PGlite and on
 * Postgres: every path of the contract indexed and equal to the chain's views; a chunk stored
 * twice counts once; a replaced block rolled back and indexed again.
 */
import { sql } from "drizzle-orm";
import type { Hex } from "viem";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { createTestDb } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { Indexer, type IndexerConfig, type TickResult } from "./indexer";
import { rpcClient } from "./run";
import { differencesFromChain } from "./testing/compare";
import { contractLoad, type Load } from "./testing/load";

let devnet: Devnet;
let handle: DbHandle;
let load: Load;

function config(overrides: Partial<IndexerConfig> = {}): IndexerConfig {
  return {
    chainId: devnet.chainId,
    contract: devnet.contractAddress,
    startBlock: 0n,
    confirmations: 0,
    chunkBlocks: 50,
    mayReset: true,
    ...overrides,
  };
}

/** Ticks until the index has reached the head. */
async function catchUp(indexer: Indexer): Promise<TickResult[]> {
  const results: TickResult[] = [];
  for (let i = 0; i < 10_000; i++) {
    const r = await indexer.tick();
    results.push(r);
    if (r.caughtUp) return results;
  }
  throw new Error("the indexer never caught up");
}

async function clearIndex() {
  await handle.db.execute(
    sql`truncate chain_events, chain_blocks, chain_undo, chain_balance_moves, chain_jobs,
                 chain_providers, chain_accounts, chain_market, chain_cursor`,
  );
}

beforeAll(async () => {
  devnet = await startDevnet({ port: 0 });
  handle = await createTestDb();
  load = await contractLoad(
    {
      url: devnet.url,
      chainId: devnet.chainId,
      contract: devnet.contractAddress,
      keys: devnet.accounts.map((a) => a.privateKey),
    },
    7,
  );
});

afterAll(async () => {
  await handle?.close();
  await devnet?.stop();
});

describe("the chain indexer", () => {
  it("indexes every path of the contract and agrees with the chain's views", async () => {
    await load.run(60);
    const indexer = new Indexer(handle.db, rpcClient(devnet.url), config());
    await catchUp(indexer);
    expect(await differencesFromChain(handle.db, devnetTarget(), load.addresses)).toEqual([]);
    const names = await queryRows<{ name: string }>(
      handle.db,
      sql`select distinct name from chain_events order by name`,
    );
    // Every event the load's flows emit was seen (the rare ones may not have come up).
    expect(names.map((n) => n.name)).toEqual(
      expect.arrayContaining([
        "ArbiterUpdated",
        "DisputeResolved",
        "FeeRecipientUpdated",
        "JobDisputed",
        "JobExpired",
        "JobFinalized",
        "JobFunded",
        "JobStarted",
        "OwnershipTransferred",
        "ParamsUpdated",
        "ResultSubmitted",
        "SignerSet",
        "StakeWithdrawn",
        "Staked",
        "UnstakeRequested",
        "Withdrawn",
      ]),
    );
  });

  it("stores each event once and folds it once, when blocks are read again", async () => {
    const indexer = new Indexer(handle.db, rpcClient(devnet.url), config());
    await catchUp(indexer);
    const [before] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from chain_events`,
    );
    // As if the cursor had not moved: every block is fetched and written again.
    await handle.db.execute(
      sql`update chain_cursor set block_number = 0, block_hash = genesis_hash`,
    );
    await catchUp(indexer);
    const [after] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from chain_events`,
    );
    expect(after?.n).toBe(before?.n);
    expect(await differencesFromChain(handle.db, devnetTarget(), load.addresses)).toEqual([]);
  });

  it("rolls back blocks the chain replaced and indexes the new ones", async () => {
    await clearIndex();
    const indexer = new Indexer(handle.db, rpcClient(devnet.url), config({ confirmations: 40 }));
    await catchUp(indexer);
    const owner = (await import("@/lib/devnet/test-helpers")).clientsFor(devnet, 0);
    const snapshot = (await owner.testClient.snapshot()) as Hex;
    const forkedAt = await owner.publicClient.getBlockNumber();
    await load.run(4);
    await catchUp(indexer);
    const replaced = await queryRows<{ block_hash: string }>(
      handle.db,
      sql`select distinct block_hash from chain_events where block_number > ${forkedAt}`,
    );
    expect(replaced.length).toBeGreaterThan(0);
    // The chain goes back and grows another way: a reorg of the last few blocks.
    await owner.testClient.revert({ id: snapshot });
    await load.run(6);
    const results = await catchUp(indexer);
    expect(results.some((r) => r.rolledBack > 0)).toBe(true);
    const [left] = await queryRows<{ n: number }>(
      handle.db,
      sql`select count(*)::int as n from chain_events
          where block_hash = any(${`{${replaced.map((r) => r.block_hash).join(",")}}`}::text[])`,
    );
    expect(left?.n).toBe(0);
    expect(await differencesFromChain(handle.db, devnetTarget(), load.addresses)).toEqual([]);
  });
});

function devnetTarget() {
  return { url: devnet.url, contract: devnet.contractAddress };
}
