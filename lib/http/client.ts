import { isIP } from "node:net";

/** Which forwarded header to believe, and how many proxies in front of the app append to it. */
export type ClientIpOptions = { trustedProxyHops: number; clientIpHeader: string };

/** Who is calling, as far as the trusted proxies say: the rate-limit key and a display summary. */
export type Client = {
  /** `ip:<address>` (IPv6 by its /64), or `unknown` when no trusted header names the client. */
  key: string;
  /** The client's IP with its host part masked, for the sessions list; "" when unknown. */
  ipSummary: string;
  userAgent: string;
};

/** The key every client shares when no trusted proxy names it (TRUSTED_PROXY_HOPS=0). */
export const UNKNOWN_CLIENT = "unknown";

/**
 * The client's IP, taken from the forwarded header only as far as it is trusted. Each of the
 * `trustedProxyHops` proxies appends the address it received the request from, so the client is
 * the hops-th entry from the right; entries to its left were written by the client itself and can
 * say anything. With 0 hops no header is believed.
 */
export function clientIp(headers: Headers, options: ClientIpOptions): string | null {
  if (options.trustedProxyHops <= 0) return null;
  const raw = headers.get(options.clientIpHeader);
  if (!raw) return null;
  const hops = raw
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean);
  if (hops.length < options.trustedProxyHops) return null;
  const candidate = stripPort(hops[hops.length - options.trustedProxyHops] ?? "");
  return isIP(candidate) ? candidate.toLowerCase() : null;
}

function stripPort(value: string): string {
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(value);
  if (bracketed?.[1]) return bracketed[1];
  const v4WithPort = /^(\d{1,3}(?:\.\d{1,3}){3}):\d+$/.exec(value);
  return v4WithPort?.[1] ?? value;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail becomes two groups). */
export function ipv6Groups(ip: string): number[] | null {
  let text = ip.toLowerCase();
  const v4 = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return null;
  const part = (s: string | undefined) =>
    s ? s.split(":").map((g) => Number.parseInt(g, 16)) : [];
  const head = part(halves[0]);
  const tail = part(halves[1]);
  const fill = halves.length === 2 ? 8 - head.length - tail.length : 0;
  const groups = [...head, ...Array<number>(Math.max(fill, 0)).fill(0), ...tail];
  return groups.length === 8 && groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff)
    ? groups
    : null;
}

/** IPv4-mapped IPv6 (::ffff:a.b.c.d) as plain IPv4, so one client is one key. */
function canonical(ip: string): { family: 4; ip: string } | { family: 6; groups: number[] } | null {
  if (isIP(ip) === 4) return { family: 4, ip };
  const groups = ipv6Groups(ip);
  if (!groups) return null;
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return { family: 4, ip: [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".") };
  }
  return { family: 6, groups };
}

/** The rate-limit key of an IP: the address for IPv4, the /64 network for IPv6 (one host's share). */
export function ipKey(ip: string): string {
  const c = canonical(ip);
  if (!c) return UNKNOWN_CLIENT;
  if (c.family === 4) return `ip:${c.ip}`;
  return `ip:${c.groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::/64`;
}

/** An IP for display with the host part masked: 203.0.113.x, 2001:db8:0:1::x. */
export function ipSummary(ip: string | null): string {
  if (!ip) return "";
  const c = canonical(ip);
  if (!c) return "";
  if (c.family === 4) return `${c.ip.split(".").slice(0, 3).join(".")}.x`;
  return `${c.groups
    .slice(0, 4)
    .map((g) => g.toString(16))
    .join(":")}::x`;
}

/** The calling client of a request, for rate limits and the sessions list. */
export function clientOf(request: Request, options: ClientIpOptions): Client {
  const ip = clientIp(request.headers, options);
  return {
    key: ip ? ipKey(ip) : UNKNOWN_CLIENT,
    ipSummary: ipSummary(ip),
    userAgent: request.headers.get("user-agent") ?? "",
  };
}
