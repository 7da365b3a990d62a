import { eq } from "drizzle-orm";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { rateLimits, sessions, siweNonces } from "@/db/schema";
import { createTestDb, testDriver } from "@/db/testing";
import { deleteExpiredAuthRows } from "./cleanup";
import { type AuthDeps, handleNonce, handleSession, handleSignOut, handleVerify } from "./handlers";
import { endOtherSessionsAction, endSessionAction, listSessionsAction } from "./session-actions";
import { readSessionCookie, SESSION_COOKIE, sessionIdOf } from "./session-token";
import { type Session, sessionFromCookie } from "./sessions";
import { testAuthDeps } from "./testing";

const origin = "http://localhost:3100";
const secret = "q".repeat(48);
const alice = privateKeyToAccount(generatePrivateKey());
const bob = privateKeyToAccount(generatePrivateKey());

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
  deps = testAuthDeps(handle.db, () => clock, { origin, secret });
});

const chrome =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";

/** Signs in through the route handlers; returns the cookie value. */
async function signIn(
  account = alice,
  headers: Record<string, string> = {},
): Promise<{ cookie: string; response: Response }> {
  const nonceResponse = await handleNonce(new Request(`${origin}/api/auth/nonce`), deps);
  const { nonce } = (await nonceResponse.json()) as { nonce: string };
  const message = createSiweMessage({
    address: account.address,
    chainId: 412346,
    domain: "localhost:3100",
    uri: origin,
    version: "1",
    nonce,
    issuedAt: clock,
  });
  const signature: Hex = await account.signMessage({ message });
  const response = await handleVerify(
    new Request(`${origin}/api/auth/verify`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "user-agent": chrome,
        "x-forwarded-for": "203.0.113.7",
        ...headers,
      },
      body: JSON.stringify({ message, signature }),
    }),
    deps,
  );
  expect(response.status).toBe(200);
  const match = new RegExp(`^${SESSION_COOKIE}=([^;]+)`).exec(
    response.headers.get("set-cookie") ?? "",
  );
  return { cookie: match?.[1] ?? "", response };
}

async function whoIs(cookie: string) {
  const response = await handleSession(
    new Request(`${origin}/api/auth/session`, {
      headers: { cookie: `${SESSION_COOKIE}=${cookie}` },
    }),
    deps,
  );
  return response.json();
}

async function sessionOf(cookie: string): Promise<Session> {
  const session = await sessionFromCookie(handle.db, cookie, secret, clock);
  if (!session) throw new Error("not signed in");
  return session;
}

const idOf = (cookie: string) => sessionIdOf(readSessionCookie(cookie, secret) ?? "");

describe(`server-side sessions on ${testDriver()}`, () => {
  it("keeps only the token's sha256, with the browser and a masked IP for the list", async () => {
    const { cookie } = await signIn();
    const token = readSessionCookie(cookie, secret) ?? "";
    const [row] = await handle.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, idOf(cookie)));
    expect(row).toMatchObject({
      address: alice.address.toLowerCase(),
      userAgent: "Chrome 131 on Linux",
      ipSummary: "203.0.113.x",
      revokedAt: null,
    });
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it("signing out revokes the row: the copied cookie stops working at once", async () => {
    const { cookie } = await signIn();
    const copy = cookie;
    expect(await whoIs(copy)).toMatchObject({ authenticated: true, address: alice.address });
    const out = await handleSignOut(
      new Request(`${origin}/api/auth/signout`, {
        method: "POST",
        headers: { cookie: `${SESSION_COOKIE}=${cookie}`, origin },
      }),
      deps,
    );
    expect(out.status).toBe(200);
    expect(await whoIs(copy)).toEqual({ authenticated: false });
    expect(await sessionFromCookie(handle.db, copy, secret, clock)).toBeNull();
    const [row] = await handle.db
      .select()
      .from(sessions)
      .where(eq(sessions.id, idOf(copy)));
    expect(row?.revokedAt?.getTime()).toBe(clock.getTime());
    // A server action run with what the revoked cookie now yields is refused as signed out.
    const listed = await listSessionsAction.run({}, { session: null, db: handle.db });
    expect(listed).toMatchObject({ ok: false, code: "unauthorized" });
  });

  it("a sign-in gets a new session id and revokes the one the browser held before", async () => {
    const first = await signIn();
    const second = await signIn(alice, { cookie: `${SESSION_COOKIE}=${first.cookie}` });
    expect(idOf(second.cookie)).not.toBe(idOf(first.cookie));
    expect(await whoIs(first.cookie)).toEqual({ authenticated: false });
    expect(await whoIs(second.cookie)).toMatchObject({ authenticated: true });
    // Even a session of another wallet held by that browser ends: one browser, one session.
    const third = await signIn(bob, { cookie: `${SESSION_COOKIE}=${second.cookie}` });
    expect(await whoIs(second.cookie)).toEqual({ authenticated: false });
    expect(await whoIs(third.cookie)).toMatchObject({ address: bob.address });
  });

  it("records when a session was last seen, at most once a minute", async () => {
    const { cookie } = await signIn();
    const created = clock.getTime();
    clock = new Date(created + 30_000);
    await whoIs(cookie);
    const lastSeen = async () =>
      (
        await handle.db
          .select()
          .from(sessions)
          .where(eq(sessions.id, idOf(cookie)))
      )[0]?.lastSeenAt.getTime();
    expect(await lastSeen()).toBe(created);
    clock = new Date(created + 61_000);
    await whoIs(cookie);
    expect(await lastSeen()).toBe(created + 61_000);
  });

  it("ends at its expiry", async () => {
    const { cookie } = await signIn();
    clock = new Date(clock.getTime() + 3600_000);
    expect(await whoIs(cookie)).toEqual({ authenticated: false });
  });

  it("lists a wallet's live sessions with this one marked, and ends another", async () => {
    const here = await signIn(bob);
    const phone = await signIn(bob, {
      "user-agent":
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    });
    const me = await sessionOf(here.cookie);
    const listed = await listSessionsAction.run({}, { session: me, db: handle.db });
    if (!listed.ok) throw new Error(listed.message);
    const mine = listed.data.filter((s) => [idOf(here.cookie), idOf(phone.cookie)].includes(s.id));
    expect(mine).toHaveLength(2);
    expect(mine.find((s) => s.current)?.id).toBe(idOf(here.cookie));
    expect(mine.find((s) => !s.current)?.userAgent).toBe("Safari 17 on iOS");

    const ended = await endSessionAction.run(
      { sessionId: idOf(phone.cookie) },
      { session: me, db: handle.db },
    );
    expect(ended).toEqual({ ok: true, data: { ended: true } });
    expect(await whoIs(phone.cookie)).toEqual({ authenticated: false });
    expect(await whoIs(here.cookie)).toMatchObject({ authenticated: true });
    const again = await endSessionAction.run(
      { sessionId: idOf(phone.cookie) },
      { session: me, db: handle.db },
    );
    expect(again).toMatchObject({ ok: false, code: "not_found" });
  });

  it("never ends another wallet's session, and names only its own", async () => {
    const victim = await signIn(alice);
    const attacker = await signIn(bob);
    const result = await endSessionAction.run(
      { sessionId: idOf(victim.cookie) },
      { session: await sessionOf(attacker.cookie), db: handle.db },
    );
    expect(result).toMatchObject({ ok: false, code: "not_found" });
    expect(await whoIs(victim.cookie)).toMatchObject({ authenticated: true });
    const listed = await listSessionsAction.run(
      {},
      { session: await sessionOf(attacker.cookie), db: handle.db },
    );
    expect(listed.ok && listed.data.some((s) => s.id === idOf(victim.cookie))).toBe(false);
    const everywhere = await endOtherSessionsAction.run(
      {},
      { session: await sessionOf(attacker.cookie), db: handle.db },
    );
    expect(everywhere.ok).toBe(true);
    expect(await whoIs(victim.cookie)).toMatchObject({ authenticated: true });
  });

  it("signs out everywhere else, keeping this session", async () => {
    const a = await signIn(alice);
    const b = await signIn(alice);
    const c = await signIn(alice);
    const result = await endOtherSessionsAction.run(
      {},
      { session: await sessionOf(b.cookie), db: handle.db },
    );
    expect(result.ok && result.data.ended).toBeGreaterThanOrEqual(2);
    expect(await whoIs(a.cookie)).toEqual({ authenticated: false });
    expect(await whoIs(c.cookie)).toEqual({ authenticated: false });
    expect(await whoIs(b.cookie)).toMatchObject({ authenticated: true });
  });

  it("refuses ending this very session from the list, and malformed ids", async () => {
    const { cookie } = await signIn(alice);
    const me = await sessionOf(cookie);
    expect(
      await endSessionAction.run({ sessionId: me.id }, { session: me, db: handle.db }),
    ).toMatchObject({
      ok: false,
      code: "bad_request",
    });
    for (const sessionId of ["nope", `${"a".repeat(63)}\u0000`, "A".repeat(64)]) {
      const result = await endSessionAction.run({ sessionId }, { session: me, db: handle.db });
      expect(result).toMatchObject({ ok: false, code: "bad_request" });
      expect(!result.ok && result.fieldErrors?.sessionId).toBeTruthy();
    }
  });

  it("cleans up expired nonces, sessions and rate-limit windows", async () => {
    const { cookie } = await signIn(alice);
    await handleNonce(new Request(`${origin}/api/auth/nonce`), deps);
    const later = new Date(clock.getTime() + 2 * 3600_000);
    const before = {
      nonces: await handle.db.$count(siweNonces),
      windows: await handle.db.$count(rateLimits),
    };
    expect(before.nonces).toBeGreaterThan(0);
    expect(before.windows).toBeGreaterThan(0);
    const deleted = await deleteExpiredAuthRows(handle.db, later);
    expect(deleted.sessions).toBeGreaterThan(0);
    expect(await handle.db.$count(sessions, eq(sessions.id, idOf(cookie)))).toBe(0);
    expect(await handle.db.$count(siweNonces)).toBe(0);
    expect(await handle.db.$count(rateLimits)).toBe(0);
  });
});
