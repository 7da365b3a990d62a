import { eq } from "drizzle-orm";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { sessions, siweNonces, users } from "@/db/schema";
import { createTestDb, testDriver } from "@/db/testing";
import { type AuthDeps, handleNonce, handleSession, handleVerify } from "./handlers";
import { readSessionCookie, SESSION_COOKIE, sessionIdOf } from "./session-token";
import { testAuthDeps } from "./testing";

const origin = "http://localhost:3100";
const chainId = 412346;
const secret = "s".repeat(48);
const alice = privateKeyToAccount(generatePrivateKey());
const mallory = privateKeyToAccount(generatePrivateKey());

let handle: DbHandle;
let deps: AuthDeps;
let clock: Date;

beforeAll(async () => {
  handle = await createTestDb();
});
afterAll(async () => {
  await handle?.close();
});
beforeEach(() => {
  clock = new Date();
  deps = testAuthDeps(handle.db, () => clock, {
    origin,
    chainId,
    secret,
    clientIp: { trustedProxyHops: 0, clientIpHeader: "x-forwarded-for" },
  });
});

async function freshNonce(): Promise<string> {
  const response = await handleNonce(new Request(`${origin}/api/auth/nonce`), deps);
  expect(response.status).toBe(200);
  const body = (await response.json()) as { nonce: string; expiresAt: string };
  expect(body.nonce).toMatch(/^[0-9a-f]{32}$/);
  return body.nonce;
}

type Overrides = Partial<Parameters<typeof createSiweMessage>[0]>;

async function signedMessage(overrides: Overrides = {}, signer = alice) {
  const message = createSiweMessage({
    address: alice.address,
    chainId,
    domain: "localhost:3100",
    uri: origin,
    version: "1",
    nonce: await freshNonce(),
    issuedAt: clock,
    expirationTime: new Date(clock.getTime() + 10 * 60_000),
    statement: "Sign in to GPU Market.",
    ...overrides,
  });
  const signature: Hex = await signer.signMessage({ message });
  return { message, signature };
}

function verifyRequest(body: unknown, headers: Record<string, string> = {}) {
  return new Request(`${origin}/api/auth/verify`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function expectRefused(response: Response, status: number, message: RegExp) {
  expect(response.status).toBe(status);
  expect(response.headers.get("set-cookie")).toBeNull();
  const body = (await response.json()) as { code: string; message: string };
  expect(body.message).toMatch(message);
  expect(typeof body.code).toBe("string");
  return body;
}

function cookieValue(response: Response): string {
  const header = response.headers.get("set-cookie") ?? "";
  const match = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(header);
  if (!match?.[1]) throw new Error(`no session cookie in ${header}`);
  return match[1];
}

describe(`SIWE sign-in on ${testDriver()}`, () => {
  it("signs in: sets an httpOnly, SameSite=Lax, expiring cookie that the session check accepts", async () => {
    const response = await handleVerify(verifyRequest(await signedMessage()), deps);
    expect(response.status).toBe(200);
    const header = response.headers.get("set-cookie") ?? "";
    expect(header).toContain("HttpOnly");
    expect(header).toContain("SameSite=Lax");
    expect(header).toContain("Max-Age=3600");
    expect(header).not.toContain("Secure");
    const body = (await response.json()) as { address: string };
    expect(body.address).toBe(alice.address);

    const token = cookieValue(response);
    const id = sessionIdOf(readSessionCookie(token, secret) ?? "");
    const [row] = await handle.db.select().from(sessions).where(eq(sessions.id, id));
    expect(row).toMatchObject({ address: alice.address.toLowerCase(), revokedAt: null });
    expect(row?.expiresAt.getTime()).toBe(clock.getTime() + 3600_000);
    const session = await handleSession(
      new Request(`${origin}/api/auth/session`, {
        headers: { cookie: `other=1; ${SESSION_COOKIE}=${token}` },
      }),
      deps,
    );
    expect(await session.json()).toMatchObject({ authenticated: true, address: alice.address });

    const [user] = await handle.db
      .select()
      .from(users)
      .where(eq(users.address, alice.address.toLowerCase()));
    expect(user?.lastSignInAt.getTime()).toBe(clock.getTime());
  });

  it("refuses a replayed nonce", async () => {
    const signed = await signedMessage();
    expect((await handleVerify(verifyRequest(signed), deps)).status).toBe(200);
    await expectRefused(await handleVerify(verifyRequest(signed), deps), 401, /already used/);
  });

  it("refuses a message for another domain", async () => {
    const signed = await signedMessage({ domain: "evil.example" });
    const body = await expectRefused(
      await handleVerify(verifyRequest(signed), deps),
      403,
      /is for evil\.example, not localhost:3100/,
    );
    expect(body.code).toBe("forbidden");
  });

  it("refuses a message whose URI is another site", async () => {
    const signed = await signedMessage({ uri: "https://evil.example/login" });
    await expectRefused(await handleVerify(verifyRequest(signed), deps), 403, /not this site/);
  });

  it("refuses an expired message", async () => {
    const signed = await signedMessage({ expirationTime: new Date(clock.getTime() - 1000) });
    await expectRefused(await handleVerify(verifyRequest(signed), deps), 401, /expired/);
  });

  it("refuses a message that is not valid yet", async () => {
    const signed = await signedMessage({ notBefore: new Date(clock.getTime() + 60_000) });
    await expectRefused(await handleVerify(verifyRequest(signed), deps), 401, /not valid yet/);
  });

  it("accepts an Issued At up to 5 minutes ahead, and refuses one further in the future", async () => {
    const ahead = await signedMessage({ issuedAt: new Date(clock.getTime() + 290_000) });
    expect((await handleVerify(verifyRequest(ahead), deps)).status).toBe(200);
    const future = await signedMessage({ issuedAt: new Date(clock.getTime() + 310_000) });
    await expectRefused(
      await handleVerify(verifyRequest(future), deps),
      401,
      /issued in the future\. Set your device's clock/,
    );
  });

  it("refuses a message issued longer ago than the nonce lifetime plus the skew", async () => {
    const old = await signedMessage({
      issuedAt: new Date(clock.getTime() - 601_000),
      expirationTime: undefined,
    });
    await expectRefused(await handleVerify(verifyRequest(old), deps), 401, /issued too long ago/);
  });

  it("refuses a signed message with a line injected after its fields", async () => {
    const signed = await signedMessage();
    const message = `${signed.message}\nResources:\n- https://evil.example/admin\nAdmin: yes`;
    const signature = await alice.signMessage({ message });
    await expectRefused(
      await handleVerify(verifyRequest({ message, signature }), deps),
      400,
      /not in the exact Sign-In with Ethereum \(EIP-4361\) form/,
    );
  });

  it("refuses a message with the address in lower case", async () => {
    const signed = await signedMessage();
    const message = signed.message.replace(alice.address, alice.address.toLowerCase());
    const signature = await alice.signMessage({ message });
    await expectRefused(
      await handleVerify(verifyRequest({ message, signature }), deps),
      400,
      /EIP-55 checksummed form/,
    );
  });

  it("asks the chain about a signature that does not recover, and only then", async () => {
    const asked: string[] = [];
    const withChain = (answer: boolean): AuthDeps => ({
      ...deps,
      verifyContractSignature: async ({ address }) => {
        asked.push(address);
        return answer;
      },
    });
    const good = await signedMessage();
    expect((await handleVerify(verifyRequest(good), withChain(false))).status).toBe(200);
    expect(asked).toEqual([]);
    const contractSigned = await signedMessage({}, mallory);
    await expectRefused(
      await handleVerify(verifyRequest(contractSigned), withChain(false)),
      401,
      /signature does not match/,
    );
    expect(asked).toEqual([alice.address]);
    const accepted = await handleVerify(verifyRequest(contractSigned), withChain(true));
    expect(accepted.status).toBe(200);
    expect(await accepted.json()).toMatchObject({ address: alice.address });
  });

  it("refuses a message for another chain", async () => {
    const signed = await signedMessage({ chainId: 1 });
    const body = await expectRefused(
      await handleVerify(verifyRequest(signed), deps),
      400,
      /chain 1, but this marketplace runs on Stylus Devnet \(412346\)/,
    );
    expect(body.code).toBe("bad_request");
  });

  it("refuses a bad signature, and the nonce stays usable by its owner", async () => {
    const signed = await signedMessage({}, mallory);
    await expectRefused(
      await handleVerify(verifyRequest(signed), deps),
      401,
      /signature does not match/,
    );
    const good = await alice.signMessage({ message: signed.message });
    const retry = await handleVerify(verifyRequest({ ...signed, signature: good }), deps);
    expect(retry.status).toBe(200);
  });

  it("refuses a nonce the server never issued", async () => {
    const message = createSiweMessage({
      address: alice.address,
      chainId,
      domain: "localhost:3100",
      uri: origin,
      version: "1",
      nonce: "abcdef0123456789",
    });
    const signature = await alice.signMessage({ message });
    await expectRefused(
      await handleVerify(verifyRequest({ message, signature }), deps),
      401,
      /already used or never issued/,
    );
  });

  it("refuses a nonce past its expiry and deletes it", async () => {
    const signed = await signedMessage({ expirationTime: undefined });
    clock = new Date(clock.getTime() + 301_000);
    await expectRefused(await handleVerify(verifyRequest(signed), deps), 401, /timed out/);
    const nonce = /Nonce: (\w+)/.exec(signed.message)?.[1] ?? "";
    expect(await handle.db.$count(siweNonces, eq(siweNonces.nonce, nonce))).toBe(0);
  });

  it("refuses malformed bodies with 400", async () => {
    await expectRefused(await handleVerify(verifyRequest("not json"), deps), 400, /JSON body/);
    await expectRefused(
      await handleVerify(verifyRequest({ message: "hello", signature: "nope" }), deps),
      400,
      /0x-prefixed hex/,
    );
    await expectRefused(
      await handleVerify(verifyRequest({ message: "hello", signature: "0x1234" }), deps),
      400,
      /not a valid Sign-In with Ethereum message/,
    );
  });

  it("refuses a body that is not JSON with 415 and one over 32 KiB with 413", async () => {
    const signed = await signedMessage();
    const plain = new Request(`${origin}/api/auth/verify`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: JSON.stringify(signed),
    });
    const refusedType = await handleVerify(plain, deps);
    expect(refusedType.status).toBe(415);
    expect(await refusedType.json()).toMatchObject({ code: "unsupported_media_type" });
    const big = await handleVerify(
      verifyRequest({ ...signed, padding: "x".repeat(33 * 1024) }),
      deps,
    );
    expect(big.status).toBe(413);
    expect(big.headers.get("set-cookie")).toBeNull();
    // Neither consumed the nonce: the same signed message still signs in.
    expect((await handleVerify(verifyRequest(signed), deps)).status).toBe(200);
  });

  it("refuses a sign-in posted from another site", async () => {
    const signed = await signedMessage();
    await expectRefused(
      await handleVerify(verifyRequest(signed, { origin: "https://evil.example" }), deps),
      403,
      /served at http:\/\/localhost:3100, not https:\/\/evil\.example/,
    );
  });

  it("lets exactly one of several concurrent sign-ins with the same nonce win", async () => {
    const signed = await signedMessage();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => handleVerify(verifyRequest(signed), deps)),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401]);
  });

  it("rejects a tampered or expired session cookie", async () => {
    const response = await handleVerify(verifyRequest(await signedMessage()), deps);
    const token = cookieValue(response);
    const nowSeconds = Math.floor(clock.getTime() / 1000);
    const [body, mac] = token.split(".") as [string, string];
    const sessionWith = async (cookie: string, d: typeof deps = deps) =>
      (
        await handleSession(
          new Request(`${origin}/api/auth/session`, {
            headers: { cookie: `${SESSION_COOKIE}=${cookie}` },
          }),
          d,
        )
      ).json();
    expect(await sessionWith(token)).toMatchObject({ authenticated: true });
    // Another token under the same MAC, a changed MAC, another server key: all refused.
    const forged = Buffer.from(mallory.address.slice(2, 34)).toString("base64url");
    expect(await sessionWith(`${forged}.${mac}`)).toEqual({ authenticated: false });
    expect(await sessionWith(`${body}.${mac.slice(0, -2)}AA`)).toEqual({ authenticated: false });
    expect(await sessionWith(token, { ...deps, secret: "t".repeat(48) })).toEqual({
      authenticated: false,
    });
    clock = new Date((nowSeconds + 3601) * 1000);
    expect(await sessionWith(token)).toEqual({ authenticated: false });
  });
});
