import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";

const holder = globalThis as typeof globalThis & { __gpuMarketDb?: Promise<DbHandle> };
let handle: DbHandle;
let rpc: Server;

beforeAll(async () => {
  // A JSON-RPC endpoint that answers eth_chainId like the devnet does.
  rpc = createServer((_req, res) => {
    res.setHeader("content-type", "application/json");
    res.end(JSON.stringify({ jsonrpc: "2.0", id: 1, result: "0x64aba" }));
  });
  await new Promise<void>((resolve) => rpc.listen(0, "127.0.0.1", resolve));
  process.env.NEXT_PUBLIC_CHAIN = "devnet";
  process.env.NEXT_PUBLIC_RPC_URL = `http://127.0.0.1:${(rpc.address() as AddressInfo).port}`;
  handle = await createTestDb();
  holder.__gpuMarketDb = Promise.resolve(handle);
});

afterAll(async () => {
  holder.__gpuMarketDb = undefined;
  rpc?.close();
});

describe(`GET /api/health on ${testDriver()}`, () => {
  it("answers 200 with the database and a reachable chain", async () => {
    const { GET } = await import("./route");
    const response = await GET();
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      status: "ok",
      db: { reachable: true },
      chain: { id: 412346, reachable: true, rpcUrl: process.env.NEXT_PUBLIC_RPC_URL },
    });
  });

  it("answers 503 when the database is down, and says the chain is unreachable when it is", async () => {
    const { GET } = await import("./route");
    await handle.close();
    rpc.closeAllConnections();
    await new Promise<void>((resolve) => rpc.close(() => resolve()));
    const response = await GET();
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({
      status: "unavailable",
      db: { reachable: false },
      chain: { reachable: false },
    });
    expect(typeof body.db.error).toBe("string");
  });
});
