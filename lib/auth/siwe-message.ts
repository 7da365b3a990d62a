import { type Address, getAddress } from "viem";
import { AppError } from "@/lib/errors";

/**
 * An EIP-4361 message as signed, field by field. Times keep the exact text that was signed (and
 * their parsed instants), so the message can be rendered back byte for byte.
 */
export type SiweFields = {
  scheme?: string;
  domain: string;
  address: Address;
  statement?: string;
  uri: string;
  version: "1";
  chainId: number;
  nonce: string;
  issuedAt: SiweTime;
  expirationTime?: SiweTime;
  notBefore?: SiweTime;
  requestId?: string;
  resources?: string[];
};

export type SiweTime = { text: string; at: Date };

const PREAMBLE = " wants you to sign in with your Ethereum account:";
const rfc3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

/**
 * An RFC 3339 date-time (`2026-05-01T12:00:00Z`, `...00.123+02:00`) as an instant, or null. Stricter
 * than `Date.parse`: every field in range (day within its month), an explicit offset, no other
 * forms. A leap second (:60) is refused; no wallet writes one.
 */
export function parseRfc3339(text: string): Date | null {
  const m = rfc3339.exec(text);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as number[] as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return null;
    offsetMinutes = (m[9] === "-" ? -1 : 1) * (oh * 60 + om);
  }
  const millis = m[7] ? Math.floor(Number(`0${m[7]}`) * 1000) : 0;
  const local = new Date(0);
  // setUTCFullYear, unlike Date.UTC, keeps years 0-99 as written.
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, millis);
  const at = new Date(local.getTime() - offsetMinutes * 60_000);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** Sentences for refusals; each says what to do. */
function notSiwe(): AppError {
  return new AppError(
    "bad_request",
    "The sign-in message is not a valid Sign-In with Ethereum message. Sign in again from this site.",
  );
}

function malformed(problem: string): AppError {
  return new AppError(
    "bad_request",
    `The sign-in message is not in the exact Sign-In with Ethereum (EIP-4361) form: ${problem}. Sign in again from this site; if it happens again, your wallet writes messages this site cannot accept.`,
  );
}

const schemeRe = /^[a-zA-Z][a-zA-Z0-9+\-.]*$/;
// An RFC 3986 authority without userinfo: host (name, IPv4 or [IPv6]) and an optional port.
const domainRe =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\[[0-9a-fA-F:.]+\])(?::\d{1,5})?$/;
const nonceRe = /^[a-zA-Z0-9]{8,}$/;
const chainIdRe = /^[1-9][0-9]*$/;
const printable = /^\P{Cc}*$/u;
// EIP-4361's request-id is *pchar; a URI has no spaces or controls.
const pcharsRe = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%]*$/;
const uriChars = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/?#[\]]+$/;

function isUri(value: string): boolean {
  return uriChars.test(value) && URL.canParse(value);
}

function time(label: string, text: string): SiweTime {
  const at = parseRfc3339(text);
  if (!at) {
    throw malformed(
      `its ${label} (${JSON.stringify(text.slice(0, 40))}) is not an RFC 3339 date-time such as 2026-05-01T12:00:00.000Z`,
    );
  }
  return { text, at };
}

/**
 * Parses a message line by line against EIP-4361's grammar, in its order, with nothing left over:
 * an unknown, repeated or reordered line is refused, so what the server checks is all that was
 * signed. The address must be written in its EIP-55 checksummed form.
 */
export function parseSiweStrict(message: string): SiweFields {
  const lines = message.split("\n");
  let i = 0;
  const next = () => lines[i++];

  const first = next() ?? "";
  if (!first.endsWith(PREAMBLE)) throw notSiwe();
  let origin = first.slice(0, -PREAMBLE.length);
  let scheme: string | undefined;
  const sep = origin.indexOf("://");
  if (sep >= 0) {
    scheme = origin.slice(0, sep);
    origin = origin.slice(sep + 3);
    if (!schemeRe.test(scheme)) throw malformed("its scheme is not an RFC 3986 scheme");
  }
  if (!domainRe.test(origin))
    throw malformed("its domain is not a host name with an optional port");

  const address = next() ?? "";
  if (!/^0x[0-9a-fA-F]{40}$/.test(address)) throw notSiwe();
  if (getAddress(address) !== address) {
    throw new AppError(
      "bad_request",
      `The sign-in message must write the address in its EIP-55 checksummed form (${getAddress(address)}), not ${address}. Sign in again from this site.`,
    );
  }
  if (next() !== "") throw malformed("the address must be followed by an empty line");

  let statement: string | undefined;
  const afterAddress = next();
  if (afterAddress === undefined) throw notSiwe();
  if (afterAddress !== "") {
    if (!afterAddress.trim() || !printable.test(afterAddress)) {
      throw malformed("its statement has control characters");
    }
    statement = afterAddress;
    if (next() !== "") throw malformed("the statement must be one line followed by an empty line");
  }

  const field = (label: string): string => {
    const line = next();
    const prefix = `${label}: `;
    if (line === undefined || !line.startsWith(prefix)) {
      if (line === undefined) throw notSiwe();
      throw malformed(`where "${label}:" belongs it has ${JSON.stringify(line.slice(0, 60))}`);
    }
    return line.slice(prefix.length);
  };

  const uri = field("URI");
  if (!isUri(uri)) throw malformed("its URI is not an RFC 3986 URI");
  const version = field("Version");
  if (version !== "1") {
    throw new AppError(
      "bad_request",
      "Only version 1 Sign-In with Ethereum messages are accepted. Sign in again from this site.",
    );
  }
  const chainText = field("Chain ID");
  if (!chainIdRe.test(chainText) || !Number.isSafeInteger(Number(chainText))) {
    throw malformed("its chain ID is not a decimal number without leading zeros");
  }
  const nonce = field("Nonce");
  if (!nonceRe.test(nonce)) throw malformed("its nonce is not at least 8 letters and digits");
  const issuedAt = time("Issued At", field("Issued At"));

  const fields: SiweFields = {
    ...(scheme !== undefined ? { scheme } : {}),
    domain: origin,
    address,
    ...(statement !== undefined ? { statement } : {}),
    uri,
    version: "1",
    chainId: Number(chainText),
    nonce,
    issuedAt,
  };

  const optional = (label: string): string | undefined => {
    const line = lines[i];
    if (line?.startsWith(`${label}: `)) {
      i += 1;
      return line.slice(label.length + 2);
    }
    return undefined;
  };
  const expiration = optional("Expiration Time");
  if (expiration !== undefined) fields.expirationTime = time("Expiration Time", expiration);
  const notBefore = optional("Not Before");
  if (notBefore !== undefined) fields.notBefore = time("Not Before", notBefore);
  const requestId = optional("Request ID");
  if (requestId !== undefined) {
    if (!pcharsRe.test(requestId))
      throw malformed("its request ID has characters a URI path cannot");
    fields.requestId = requestId;
  }
  if (lines[i] === "Resources:") {
    i += 1;
    const resources: string[] = [];
    while (lines[i]?.startsWith("- ")) {
      const resource = (lines[i] ?? "").slice(2);
      if (!isUri(resource)) throw malformed("one of its resources is not an RFC 3986 URI");
      resources.push(resource);
      i += 1;
    }
    fields.resources = resources;
  }
  if (i < lines.length) {
    throw malformed(
      `it has a line Sign-In with Ethereum does not allow there (${JSON.stringify((lines[i] ?? "").slice(0, 60))})`,
    );
  }
  return fields;
}

/** The canonical EIP-4361 text of `fields` (times as they were written). */
export function renderSiwe(fields: SiweFields): string {
  const origin =
    fields.scheme !== undefined ? `${fields.scheme}://${fields.domain}` : fields.domain;
  const lines = [`${origin}${PREAMBLE}`, fields.address, ""];
  if (fields.statement !== undefined) lines.push(fields.statement, "");
  else lines.push("");
  lines.push(
    `URI: ${fields.uri}`,
    `Version: ${fields.version}`,
    `Chain ID: ${fields.chainId}`,
    `Nonce: ${fields.nonce}`,
    `Issued At: ${fields.issuedAt.text}`,
  );
  if (fields.expirationTime) lines.push(`Expiration Time: ${fields.expirationTime.text}`);
  if (fields.notBefore) lines.push(`Not Before: ${fields.notBefore.text}`);
  if (fields.requestId !== undefined) lines.push(`Request ID: ${fields.requestId}`);
  if (fields.resources) {
    lines.push("Resources:");
    for (const r of fields.resources) lines.push(`- ${r}`);
  }
  return lines.join("\n");
}

/**
 * The fields of a message that is exactly the canonical rendering of what it says: parsed
 * strictly, rendered back, and compared byte for byte (anything the parser let through that is
 * not part of the canonical form is refused here).
 */
export function parseCanonicalSiwe(message: string): SiweFields {
  const fields = parseSiweStrict(message);
  if (renderSiwe(fields) !== message) {
    throw malformed("it differs from the canonical form of its own fields");
  }
  return fields;
}
