import { createSiweMessage } from "viem/siwe";
import { describe, expect, it } from "vitest";
import { parseCanonicalSiwe, parseRfc3339, renderSiwe } from "./siwe-message";

const address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;
const issuedAt = new Date("2026-05-01T12:00:00.000Z");
const base = {
  address,
  chainId: 412346,
  domain: "localhost:3100",
  uri: "http://localhost:3100",
  version: "1" as const,
  nonce: "0123456789abcdef0123456789abcdef",
  issuedAt,
};

function refusal(message: string): string {
  try {
    parseCanonicalSiwe(message);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error("expected the message to be refused");
}

describe("strict EIP-4361 parsing", () => {
  it.each([
    ["without a statement", {}],
    ["with a statement", { statement: "Sign in to GPU Market; it costs no gas." }],
    [
      "with every optional field",
      {
        scheme: "http",
        statement: "Sign in.",
        expirationTime: new Date("2026-05-01T12:10:00.000Z"),
        notBefore: new Date("2026-05-01T11:59:00.000Z"),
        requestId: "req-42",
        resources: ["https://example.com/terms", "ipfs://bafybeigdyrzt"],
      },
    ],
  ])("reads a message %s and renders it back byte for byte", (_, extra) => {
    const message = createSiweMessage({ ...base, ...extra });
    const fields = parseCanonicalSiwe(message);
    expect(fields).toMatchObject({
      domain: "localhost:3100",
      address,
      chainId: 412346,
      nonce: base.nonce,
      uri: "http://localhost:3100",
    });
    expect(fields.issuedAt.at).toEqual(issuedAt);
    expect(renderSiwe(fields)).toBe(message);
  });

  it("keeps a time as it was written (offset, no fraction) and reads its instant", () => {
    const message = createSiweMessage(base).replace(
      "Issued At: 2026-05-01T12:00:00.000Z",
      "Issued At: 2026-05-01T14:00:00+02:00",
    );
    const fields = parseCanonicalSiwe(message);
    expect(fields.issuedAt).toEqual({ text: "2026-05-01T14:00:00+02:00", at: issuedAt });
  });

  it("refuses a line injected after the last field", () => {
    const message = `${createSiweMessage(base)}\nAdmin: true`;
    expect(refusal(message)).toMatch(/does not allow there \("Admin: true"\)/);
  });

  it("refuses a second URI block", () => {
    const message = createSiweMessage(base).replace(
      "URI: http://localhost:3100\n",
      "URI: http://localhost:3100\nURI: https://evil.example\n",
    );
    expect(refusal(message)).toMatch(/where "Version:" belongs it has "URI: https:\/\/evil/);
  });

  it("refuses a line injected between fields, a repeated field and a reordered one", () => {
    const message = createSiweMessage({
      ...base,
      expirationTime: new Date("2026-05-01T12:10:00Z"),
    });
    expect(refusal(message.replace("Nonce:", "X-Note: hi\nNonce:"))).toMatch(/EIP-4361/);
    expect(refusal(`${message}\nExpiration Time: 2099-01-01T00:00:00Z`)).toMatch(/EIP-4361/);
    const reordered = message.replace(
      /Issued At: (.*)\nExpiration Time: (.*)$/,
      "Expiration Time: $2\nIssued At: $1",
    );
    expect(refusal(reordered)).toMatch(/EIP-4361/);
  });

  it("refuses a trailing newline, CRLF line ends and a two-line statement", () => {
    const message = createSiweMessage({ ...base, statement: "Sign in." });
    expect(refusal(`${message}\n`)).toMatch(/EIP-4361/);
    expect(refusal(message.replaceAll("\n", "\r\n"))).toMatch(/Sign-In with Ethereum/);
    expect(refusal(message.replace("Sign in.", "Sign in.\nAlso this."))).toMatch(/EIP-4361/);
  });

  it("refuses an address that is not EIP-55 checksummed", () => {
    const message = createSiweMessage(base).replace(address, address.toLowerCase());
    expect(refusal(message)).toMatch(
      new RegExp(`EIP-55 checksummed form \\(${address}\\), not ${address.toLowerCase()}`),
    );
    const upper = createSiweMessage(base).replace(address, `0x${address.slice(2).toUpperCase()}`);
    expect(refusal(upper)).toMatch(/EIP-55/);
  });

  it("refuses a chain id with leading zeros, a sign or other digits", () => {
    for (const chain of ["0412346", "+412346", "412346.0", "0x64a7a", "0", "99999999999999999"]) {
      const message = createSiweMessage(base).replace("Chain ID: 412346", `Chain ID: ${chain}`);
      expect(refusal(message)).toMatch(/chain ID is not a decimal number without leading zeros/);
    }
  });

  it("refuses times that are not strict RFC 3339", () => {
    for (const time of [
      "2026-05-01 12:00:00Z",
      "2026-05-01T12:00:00",
      "2026-02-30T12:00:00Z",
      "2026-05-01T24:00:00Z",
      "2026-05-01T12:00:00+24:00",
      "May 1, 2026",
      "1777636800",
    ]) {
      const message = createSiweMessage(base).replace(
        "Issued At: 2026-05-01T12:00:00.000Z",
        `Issued At: ${time}`,
      );
      expect(refusal(message)).toMatch(/is not an RFC 3339 date-time/);
    }
  });

  it("says plainly when the text is not a sign-in message at all", () => {
    expect(refusal("hello")).toMatch(/not a valid Sign-In with Ethereum message/);
    expect(refusal("")).toMatch(/not a valid Sign-In with Ethereum message/);
  });
});

describe("RFC 3339 date-times", () => {
  it("reads UTC, offsets, fractions and lower-case separators", () => {
    expect(parseRfc3339("2026-05-01T12:00:00Z")?.toISOString()).toBe("2026-05-01T12:00:00.000Z");
    expect(parseRfc3339("2026-05-01t12:00:00.5z")?.toISOString()).toBe("2026-05-01T12:00:00.500Z");
    expect(parseRfc3339("2026-05-01T12:00:00-05:30")?.toISOString()).toBe(
      "2026-05-01T17:30:00.000Z",
    );
    expect(parseRfc3339("2024-02-29T00:00:00Z")).not.toBeNull();
  });

  it("refuses out-of-range fields and other formats", () => {
    for (const bad of [
      "2025-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-10T00:00:00Z",
      "2026-05-01T12:60:00Z",
      "2026-05-01T12:00:60Z",
      "2026-05-01T12:00Z",
      "2026-05-01",
      "+002026-05-01T12:00:00Z",
    ]) {
      expect(parseRfc3339(bad)).toBeNull();
    }
  });
});
