import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { E2E_ORIGIN, SESSION_COOKIE, signInOverHttp, siweMessage } from "./fixtures/test-wallet";

/**
 * The server's own log (stdout and stderr of `next start`, written to server.log by
 * playwright.config.ts) after a run of bad and hostile requests holds none of the secrets they
 * carried: session cookies (live, signed out, forged), signatures, and the text of refused input.
 */
const logFile = path.join(process.env.E2E_DATA_DIR ?? "", "server.log");

test("bad requests leave no secret in the server's log", async ({ request }) => {
  test.skip(
    !process.env.E2E_DATA_DIR_OWNED,
    "the app server was started elsewhere (reused), so its log is not ours to read",
  );
  expect(existsSync(logFile)).toBe(true);
  const forwardedFor = "203.0.113.77";
  const headers = { origin: E2E_ORIGIN, "x-forwarded-for": forwardedFor };
  const marker = `secret-marker-${Date.now()}`;

  // A live session, used, then signed out and replayed; a forged one beside it.
  const { cookie } = await signInOverHttp(request, { forwardedFor });
  const withCookie = (value: string) => ({ ...headers, cookie: `${SESSION_COOKIE}=${value}` });
  expect((await request.get("/api/auth/session", { headers: withCookie(cookie) })).ok()).toBe(true);
  await request.post("/api/auth/signout", { headers: withCookie(cookie) });
  const forged = `${cookie.slice(0, -4)}AAAA`;
  for (const value of [cookie, forged, `${marker}.${marker}`]) {
    await request.get("/api/auth/session", { headers: withCookie(value) });
    await request.get("/jobs", { headers: withCookie(value) });
  }

  // Sign-in messages that are refused, each carrying a signature and the marker.
  const account = privateKeyToAccount(generatePrivateKey());
  const { nonce } = (await (await request.get("/api/auth/nonce", { headers })).json()) as {
    nonce: string;
  };
  const message = siweMessage(account.address, nonce, marker);
  const signature = await account.signMessage({ message });
  const injected = message.replace("\nNonce:", `\nExtra: ${marker}\nNonce:`);
  const bodies = [
    { message: injected, signature },
    { message: `${message}\u0000${marker}`, signature },
    // r altered: recovers to another address.
    { message, signature: `0x${signature[2] === "1" ? "2" : "1"}${signature.slice(3)}` as const },
    { message: marker, signature: marker },
  ];
  for (const data of bodies) {
    const response = await request.post("/api/auth/verify", { headers, data });
    expect(response.ok()).toBe(false);
  }
  // Input the pages read from the URL.
  await request.get(`/market?gpu=${encodeURIComponent(`\u0000${marker}`)}`, { headers });

  // The server writes its log as it goes; give the last lines a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 500));
  const log = readFileSync(logFile, "utf8");
  // The file is the server's output (it announced itself there).
  expect(log).toContain("Ready");
  for (const secret of [cookie, forged, signature, marker, cookie.split(".")[0] ?? cookie]) {
    expect(log.includes(secret), `the server log holds ${secret.slice(0, 12)}…`).toBe(false);
  }
});
