import { describe, expect, it } from "vitest";
import {
  readCookie,
  serializeCookie,
  sessionCookieOptions,
  signSessionToken,
  verifySessionToken,
} from "./session-token";

const secret = "k".repeat(40);
const address = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8" as const;

describe("session token", () => {
  it("round-trips the checksummed address until exp", () => {
    const token = signSessionToken({ address, exp: 2000 }, secret);
    expect(verifySessionToken(token, secret, 1999)).toEqual({ address, exp: 2000 });
    expect(verifySessionToken(token, secret, 2000)).toBeNull();
  });

  it("rejects a changed payload, a changed MAC, another key and junk", () => {
    const token = signSessionToken({ address, exp: 2000 }, secret);
    const [body, mac] = token.split(".") as [string, string];
    const later = Buffer.from(JSON.stringify({ address, exp: 9999 })).toString("base64url");
    expect(verifySessionToken(`${later}.${mac}`, secret, 1000)).toBeNull();
    expect(verifySessionToken(`${body}.${mac}x`, secret, 1000)).toBeNull();
    expect(verifySessionToken(`${body}.`, secret, 1000)).toBeNull();
    expect(verifySessionToken(token, "j".repeat(40), 1000)).toBeNull();
    for (const junk of ["", ".", "a.b.c", "abc", undefined]) {
      expect(verifySessionToken(junk, secret, 1000)).toBeNull();
    }
  });

  it("rejects a correctly signed payload that is not a session", () => {
    const bad = [
      { address: "0x12" as never, exp: 5000 },
      { address, exp: 1.5 },
    ];
    for (const payload of bad) {
      expect(verifySessionToken(signSessionToken(payload, secret), secret, 1)).toBeNull();
    }
  });
});

describe("session cookie", () => {
  it("is Secure only over https", () => {
    expect(sessionCookieOptions("http://localhost:3000", 60).secure).toBe(false);
    expect(sessionCookieOptions("https://market.example", 60).secure).toBe(true);
    expect(serializeCookie("s", "v", sessionCookieOptions("https://market.example", 60))).toBe(
      "s=v; Path=/; Max-Age=60; HttpOnly; SameSite=Lax; Secure",
    );
  });

  it("clears with Max-Age=0 and an expiry in the past", () => {
    expect(serializeCookie("s", "", sessionCookieOptions("http://localhost:3000", 0))).toBe(
      "s=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax; Expires=Thu, 01 Jan 1970 00:00:00 GMT",
    );
  });

  it("reads one cookie out of a Cookie header", () => {
    expect(readCookie("a=1; s=x.y; b=2", "s")).toBe("x.y");
    expect(readCookie("as=1", "s")).toBeUndefined();
    expect(readCookie(null, "s")).toBeUndefined();
  });
});
