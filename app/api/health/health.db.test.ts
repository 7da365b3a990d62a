import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
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

  it("says the database gives no answer within 3 s when a query hangs, in those words only", async () => {
    const { GET } = await import("./route");
    const hanging = {
      db: { execute: () => new Promise(() => undefined) },
      driver: "pglite",
      close: async () => undefined,
    } as unknown as DbHandle;
    holder.__gpuMarketDb = Promise.resolve(hanging);
    try {
      const response = await GET();
      expect(response.status).toBe(503);
      const body = await response.json();
      expect(body.db).toEqual({
        driver: process.env.DATABASE_URL ? "postgres" : "pglite",
        reachable: false,
        problem: "no answer within 3 s",
      });
    } finally {
      holder.__gpuMarketDb = Promise.resolve(handle);
    }
  });

  it("answers 503 when the database is down, and says the chain is unreachable when it is", async () => {
    const { GET } = await import("./route");
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    // A driver whose error text holds a connection string: none of it may leave the server.
    const secretUrl = "postgres://admin:hunter2@db.internal:5432/market";
    const leaky = {
      db: {
        execute: () =>
          Promise.reject(
            Object.assign(new Error(`connect ECONNREFUSED ${secretUrl}`), { code: "ECONNREFUSED" }),
          ),
      },
      driver: "postgres",
      close: async () => undefined,
    } as unknown as DbHandle;
    holder.__gpuMarketDb = Promise.resolve(leaky);
    const leakyResponse = await GET();
    holder.__gpuMarketDb = Promise.resolve(handle);
    expect(leakyResponse.status).toBe(503);
    const leakyBody = await leakyResponse.text();
    expect(leakyBody).not.toContain("hunter2");
    expect(leakyBody).not.toContain("ECONNREFUSED");
    expect(JSON.parse(leakyBody).db).toMatchObject({ reachable: false, problem: "unreachable" });
    const lines = logged.mock.calls.map((call) => call.map(String).join(" "));
    expect(lines).toContainEqual("health: database unreachable (Error ECONNREFUSED)");
    expect(lines.join("\n")).not.toContain("hunter2");
    logged.mockRestore();

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
    expect(body.db.problem).toBe("unreachable");
    expect(Object.keys(body.db).sort()).toEqual(["driver", "problem", "reachable"]);
  });
});
