import { describe, expect, it } from "vitest";
import { clientIp, clientOf, ipKey, ipSummary, ipv6Groups, UNKNOWN_CLIENT } from "./client";

const xff = (value: string) => new Headers({ "x-forwarded-for": value });
const opts = (hops: number) => ({ trustedProxyHops: hops, clientIpHeader: "x-forwarded-for" });

describe("client IP behind trusted proxies", () => {
  it("believes no header by default", () => {
    expect(clientIp(xff("203.0.113.9"), opts(0))).toBeNull();
    const client = clientOf(
      new Request("http://x/", { headers: { "x-forwarded-for": "203.0.113.9" } }),
      opts(0),
    );
    expect(client).toMatchObject({ key: UNKNOWN_CLIENT, ipSummary: "" });
  });

  it("takes the entry the last trusted proxy appended, whatever the client wrote before it", () => {
    expect(clientIp(xff("203.0.113.9"), opts(1))).toBe("203.0.113.9");
    expect(clientIp(xff("6.6.6.6, 203.0.113.9"), opts(1))).toBe("203.0.113.9");
    expect(clientIp(xff("6.6.6.6, 203.0.113.9, 10.0.0.2"), opts(2))).toBe("203.0.113.9");
  });

  it("gives up when the header has fewer entries than proxies, or no IP there", () => {
    expect(clientIp(xff("203.0.113.9"), opts(2))).toBeNull();
    expect(clientIp(xff("not-an-ip"), opts(1))).toBeNull();
    expect(clientIp(new Headers(), opts(1))).toBeNull();
  });

  it("reads another configured header and strips ports", () => {
    const headers = new Headers({ "x-real-ip": "[2001:db8::1]:443" });
    expect(clientIp(headers, { trustedProxyHops: 1, clientIpHeader: "x-real-ip" })).toBe(
      "2001:db8::1",
    );
    expect(clientIp(xff("203.0.113.9:5000"), opts(1))).toBe("203.0.113.9");
  });

  it("keys IPv4 by address and IPv6 by its /64; an IPv4-mapped address is the IPv4 one", () => {
    expect(ipKey("203.0.113.9")).toBe("ip:203.0.113.9");
    expect(ipKey("2001:db8:1:2:aaaa::1")).toBe("ip:2001:db8:1:2::/64");
    expect(ipKey("2001:db8:1:2:bbbb::7")).toBe("ip:2001:db8:1:2::/64");
    expect(ipKey("::ffff:203.0.113.9")).toBe("ip:203.0.113.9");
    expect(ipv6Groups("::1")).toEqual([0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Groups("1::2::3")).toBeNull();
  });

  it("summarises an IP for display with the host part masked", () => {
    expect(ipSummary("203.0.113.9")).toBe("203.0.113.x");
    expect(ipSummary("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::x");
    expect(ipSummary(null)).toBe("");
  });
});
