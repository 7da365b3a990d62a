import { request as httpRequest } from "node:http";
import { expect, test } from "@playwright/test";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { E2E_ORIGIN, siweMessage } from "./fixtures/test-wallet";

const json = { "content-type": "application/json", origin: E2E_ORIGIN };

/**
 * POSTs `total` bytes in chunks with no Content-Length (chunked transfer), so the server cannot
 * judge the body by its header; resolves with the status as soon as the server answers.
 */
function postChunked(path: string, total: number, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, E2E_ORIGIN);
    const req = httpRequest(url, {
      method: "POST",
      headers: {
        "content-type": contentType,
        origin: E2E_ORIGIN,
        "x-forwarded-for": "203.0.113.99",
      },
    });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", (error) => {
      if (!answered) reject(error);
    });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (!answered && sent < total) {
        sent += chunk.length;
        if (!req.write(chunk)) {
          req.once("drain", pump);
          return;
        }
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/**
 * Windows are whole minutes of the server's clock (the same machine's): start a burst early in
 * one, so all of it is counted in the same window.
 */
async function freshWindow() {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 30_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 500));
}

async function signedMessage(
  request: import("@playwright/test").APIRequestContext,
  edit: (m: string) => string,
) {
  const account = privateKeyToAccount(generatePrivateKey());
  const { nonce } = (await (
    await request.get("/api/auth/nonce", { headers: { "x-forwarded-for": "203.0.113.50" } })
  ).json()) as { nonce: string };
  const message = edit(siweMessage(account.address, nonce));
  return { message, signature: await account.signMessage({ message }) };
}

test("a signed sign-in message with an injected or repeated line is refused", async ({
  request,
}) => {
  for (const edit of [
    (m: string) => `${m}\nAdmin: true`,
    (m: string) => m.replace(/^URI: (.*)$/m, "URI: $1\nURI: https://evil.example"),
  ]) {
    const body = await signedMessage(request, edit);
    const response = await request.post("/api/auth/verify", {
      headers: { ...json, "x-forwarded-for": "203.0.113.50" },
      data: body,
    });
    expect(response.status()).toBe(400);
    expect(response.headers()["set-cookie"]).toBeUndefined();
    expect((await response.json()).message).toMatch(
      /not in the exact Sign-In with Ethereum \(EIP-4361\) form/,
    );
  }
});

test("a 16 MB body is refused with 413, declared or streamed, and a text/plain one with 415", async ({
  request,
}) => {
  const sixteenMb = 16 * 1024 * 1024;
  const declared = await request.post("/api/auth/verify", {
    headers: { ...json, "x-forwarded-for": "203.0.113.99" },
    data: Buffer.alloc(sixteenMb, 0x20),
  });
  expect(declared.status()).toBe(413);
  expect(await declared.json()).toMatchObject({ code: "payload_too_large" });
  expect(await postChunked("/api/auth/verify", sixteenMb, "application/json")).toBe(413);

  const plain = await request.post("/api/auth/verify", {
    headers: {
      "content-type": "text/plain",
      origin: E2E_ORIGIN,
      "x-forwarded-for": "203.0.113.99",
    },
    data: JSON.stringify({ message: "x", signature: "0x00" }),
  });
  expect(plain.status()).toBe(415);
  expect(await plain.json()).toEqual({
    code: "unsupported_media_type",
    message: "Send the body as JSON with Content-Type: application/json, not text/plain.",
  });
});

test("nonce issuance and sign-in attempts are rate-limited per client with 429 and Retry-After", async ({
  request,
}) => {
  // playwright.config.ts sets RATE_LIMIT_NONCE and RATE_LIMIT_SIGN_IN to 120 a minute.
  test.setTimeout(120_000);
  const client = { "x-forwarded-for": "203.0.113.200" };
  const statuses: number[] = [];
  let refused: Awaited<ReturnType<typeof request.get>> | undefined;
  await freshWindow();
  for (let i = 0; i < 121; i++) {
    const response = await request.get("/api/auth/nonce", { headers: client });
    statuses.push(response.status());
    if (response.status() === 429) refused = response;
  }
  expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true);
  expect(statuses[120]).toBe(429);
  const retryAfter = Number(refused?.headers()["retry-after"]);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const refusal = (await refused?.json()) as { message?: string } | undefined;
  expect(refusal?.message).toMatch(/^Too many sign-in requests from here/);
  // Another client is not held back.
  const other = await request.get("/api/auth/nonce", {
    headers: { "x-forwarded-for": "203.0.113.201" },
  });
  expect(other.status()).toBe(200);

  await freshWindow();
  let attempt = 0;
  let last = 0;
  while (attempt < 121) {
    attempt += 1;
    last = (
      await request.post("/api/auth/verify", {
        headers: { ...json, ...client },
        data: { message: "hello", signature: "0x00" },
      })
    ).status();
    if (last === 429) break;
  }
  expect(attempt).toBe(121);
  expect(last).toBe(429);
});
