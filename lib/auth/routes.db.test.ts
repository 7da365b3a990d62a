import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { SESSION_COOKIE } from "./session-token";

// The route modules read the environment and the app database the way the server does.
process.env.APP_ORIGIN = "http://localhost:3100";
process.env.SESSION_SECRET = "r".repeat(40);
process.env.NEXT_PUBLIC_CHAIN = "devnet";
process.env.SESSION_TTL_SECONDS = "600";

const holder = globalThis as typeof globalThis & { __gpuMarketDb?: Promise<DbHandle> };
const account = privateKeyToAccount(generatePrivateKey());
let handle: DbHandle;

beforeAll(async () => {
  handle = await createTestDb();
  holder.__gpuMarketDb = Promise.resolve(handle);
});
afterAll(async () => {
  holder.__gpuMarketDb = undefined;
  await handle?.close();
});

async function signIn(chainId: number) {
  const nonceRoute = await import("@/app/api/auth/nonce/route");
  const verifyRoute = await import("@/app/api/auth/verify/route");
  const { nonce } = (await (
    await nonceRoute.GET(new Request("http://localhost:3100/api/auth/nonce"))
  ).json()) as { nonce: string };
  const message = createSiweMessage({
    address: account.address,
    chainId,
    domain: "localhost:3100",
    uri: "http://localhost:3100",
    version: "1",
    nonce,
  });
  const signature = await account.signMessage({ message });
  return verifyRoute.POST(
    new Request("http://localhost:3100/api/auth/verify", {
      method: "POST",
      headers: { "content-type": "application/json", origin: "http://localhost:3100" },
      body: JSON.stringify({ message, signature }),
    }),
  );
}

describe(`auth route handlers on ${testDriver()}`, () => {
  it("refuses a wrong chain with 400 JSON and no cookie", async () => {
    const response = await signIn(421614);
    expect(response.status).toBe(400);
    expect(response.headers.get("set-cookie")).toBeNull();
    expect(await response.json()).toMatchObject({ code: "bad_request" });
  });

  it("signs in, reports the session, and signs out", async () => {
    const response = await signIn(412346);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(
      new RegExp(`^${SESSION_COOKIE}=[^;]+; Path=/; Max-Age=600; HttpOnly`),
    );
    const cookie = setCookie.split(";")[0] ?? "";

    const sessionRoute = await import("@/app/api/auth/session/route");
    const session = await sessionRoute.GET(
      new Request("http://localhost:3100/api/auth/session", { headers: { cookie } }),
    );
    expect(await session.json()).toMatchObject({ authenticated: true, address: account.address });

    const signOutRoute = await import("@/app/api/auth/signout/route");
    const out = await signOutRoute.POST(
      new Request("http://localhost:3100/api/auth/signout", {
        method: "POST",
        headers: { cookie },
      }),
    );
    expect(out.status).toBe(200);
    expect(out.headers.get("set-cookie")).toMatch(
      new RegExp(`^${SESSION_COOKIE}=; Path=/; Max-Age=0`),
    );
  });
});
