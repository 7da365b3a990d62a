import { describe, expect, it } from "vitest";
import {
  newSessionToken,
  readCookie,
  readSessionCookie,
  serializeCookie,
  sessionCookieOptions,
  sessionIdOf,
  signSessionCookie,
} from "./session-token";

const secret = "k".repeat(40);

describe("session token", () => {
  it("is 32 random bytes, stored only as its sha256", () => {
    const token = newSessionToken();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(token, "base64url")).toHaveLength(32);
    expect(newSessionToken()).not.toBe(token);
    expect(sessionIdOf(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(sessionIdOf(token)).not.toContain(token);
  });

  it("round-trips through the signed cookie value", () => {
    const token = newSessionToken();
    expect(readSessionCookie(signSessionCookie(token, secret), secret)).toBe(token);
  });

  it("rejects a changed token, a changed MAC, another key and junk", () => {
    const token = newSessionToken();
    const value = signSessionCookie(token, secret);
    const [, mac] = value.split(".") as [string, string];
    const other = newSessionToken();
    expect(readSessionCookie(`${other}.${mac}`, secret)).toBeNull();
    expect(readSessionCookie(`${token}.${mac}x`, secret)).toBeNull();
    expect(readSessionCookie(`${token}.${mac.slice(0, -2)}AA`, secret)).toBeNull();
    expect(readSessionCookie(`${token}.`, secret)).toBeNull();
    expect(readSessionCookie(value, "j".repeat(40))).toBeNull();
    for (const junk of ["", ".", "a.b.c", "abc", undefined, `${token}.${mac}.${mac}`]) {
      expect(readSessionCookie(junk, secret)).toBeNull();
    }
  });

  it("rejects a correctly signed value that is not a token", () => {
    for (const notToken of ["short", "x".repeat(44), `${"a".repeat(42)}!`]) {
      expect(readSessionCookie(signSessionCookie(notToken, secret), secret)).toBeNull();
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
