import { formatWithOptions } from "node:util";

/**
 * Error logging that never prints a secret. Failed statements are logged by their SQL text,
 * SQLSTATE and the names of the table, column and constraint involved, never with their
 * parameters (API key hashes, job env values, idempotency keys) nor with the server's `detail`,
 * `where`, `hint` or `internalQuery`, which quote row values. Drizzle puts the parameters into
 * its error *message* ("Failed query: ... params: ..."), and Postgres quotes the bad value in
 * some messages (`invalid input syntax for type uuid: "..."`), so neither message is printed as
 * it is.
 */

const MAX_CAUSES = 5;
const MAX_STATEMENT_CHARS = 600;
const MAX_MESSAGE_CHARS = 1000;
const MAX_FRAMES = 12;

type Fields = Record<string, unknown>;

const isObject = (v: unknown): v is Fields => typeof v === "object" && v !== null;
const str = (v: unknown) => (typeof v === "string" ? v : undefined);

/** drizzle-orm's DrizzleQueryError: `query`, `params`, the driver's error in `cause`. */
function isFailedQuery(e: Fields): e is Fields & { query: string } {
  return typeof e.query === "string" && Array.isArray(e.params);
}

/** A Postgres server error (node-postgres or PGlite): a five-character SQLSTATE. */
function isDatabaseError(e: Fields): e is Fields & { code: string } {
  return typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code) && "severity" in e;
}

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max)}…` : s);

/**
 * Known secret shapes scrubbed from any text that reaches a log line: agent API keys, bare
 * sha256 hex (key hashes), 65-byte signatures, session cookies, and a drizzle parameter list.
 */
export function redactSecrets(text: string): string {
  return text
    .replace(/(Failed query: [\s\S]*?)\nparams: [\s\S]*$/, "$1\nparams: [withheld]")
    .replace(/gmk_[A-Za-z0-9_-]+/g, "gmk_[redacted]")
    .replace(/0x[0-9a-fA-F]{130}(?![0-9a-fA-F])/g, "0x[signature]")
    .replace(/(?<![0-9a-zA-Z])[0-9a-f]{64}(?![0-9a-zA-Z])/g, "[sha256]")
    .replace(/(session[A-Za-z_-]*=)[^;\s"']+/gi, "$1[redacted]");
}

/**
 * A server message with every quoted fragment that is not a name from the error or the statement
 * replaced: `relation "jobs"` stays, `for type uuid: "gmk_..."` does not.
 */
function serverMessage(e: Fields, statement: string | undefined): string {
  const names = new Set(
    ["table", "column", "constraint", "schema", "dataType"].map((k) => str(e[k])).filter(Boolean),
  );
  const message = str(e.message) ?? "";
  return message.replace(/"((?:[^"]|"")*)"/g, (whole, inner: string) =>
    names.has(inner) || statement?.includes(`"${inner}"`) ? whole : '"…"',
  );
}

function className(e: Fields): string {
  if (isDatabaseError(e)) return "DatabaseError";
  const ctor = (e as { constructor?: { name?: string } }).constructor?.name;
  if (ctor && ctor !== "Object" && ctor.length > 2) return ctor;
  return str(e.name) ?? "Error";
}

function describeOne(e: unknown, statement: string | undefined): string {
  if (!isObject(e)) {
    return `thrown ${typeof e}: ${clip(redactSecrets(String(e)), MAX_MESSAGE_CHARS)}`;
  }
  if (isDatabaseError(e)) {
    const where = ["schema", "table", "column", "constraint", "dataType"]
      .map((k) => (str(e[k]) ? `${k} ${str(e[k])}` : undefined))
      .filter(Boolean);
    // PGlite's errors carry the statement and its parameters themselves: name the statement when
    // no drizzle error around it did.
    const own = statement === undefined && isFailedQuery(e) ? e.query : undefined;
    const message = redactSecrets(serverMessage(e, statement ?? own));
    return [
      `DatabaseError ${e.code}: ${clip(message, MAX_MESSAGE_CHARS)}`,
      where.length ? ` (${where.join(", ")})` : "",
      own ? `; statement (parameters withheld): ${clip(own, MAX_STATEMENT_CHARS)}` : "",
    ].join("");
  }
  if (isFailedQuery(e)) {
    const params = (e.params as unknown[]).length;
    return `DrizzleQueryError: failed statement (${params} parameters withheld): ${clip(e.query, MAX_STATEMENT_CHARS)}`;
  }
  // `sqlState`: the database boundary's own error classes (db/errors.ts).
  const code =
    str(e.code) ?? (typeof e.code === "number" ? String(e.code) : undefined) ?? str(e.sqlState);
  const message = clip(redactSecrets(str(e.message) ?? ""), MAX_MESSAGE_CHARS);
  return `${className(e)}${code ? ` ${code}` : ""}: ${message}`;
}

/** Call-site frames of an error's stack, without its first line (which repeats the message). */
function framesOf(e: unknown): string[] {
  const stack = isObject(e) ? str(e.stack) : undefined;
  if (!stack) return [];
  return stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, MAX_FRAMES)
    .map((line) => redactSecrets(line.trimEnd()));
}

/**
 * An error as log text: its class, code and safe message, then each cause on its own line
 * ("caused by"), then the stack frames of the outermost error.
 */
export function describeError(error: unknown): string {
  const lines: string[] = [];
  let statement: string | undefined;
  let current: unknown = error;
  const seen = new Set<unknown>();
  for (let depth = 0; depth < MAX_CAUSES && current !== undefined && !seen.has(current); depth++) {
    seen.add(current);
    if (isObject(current) && isFailedQuery(current) && !isDatabaseError(current)) {
      statement = current.query;
    }
    lines.push(`${depth ? "  caused by " : ""}${describeOne(current, statement)}`);
    if (isObject(current) && Array.isArray(current.errors)) {
      // AggregateError (e.g. a connection refused on every address of a host).
      for (const inner of current.errors.slice(0, 3)) {
        lines.push(`  including ${describeOne(inner, statement)}`);
      }
    }
    current = isObject(current) ? current.cause : undefined;
  }
  return [...lines, ...framesOf(error)].join("\n");
}

/** Logs an unexpected error without anything secret: `context` says what was being done. */
export function logError(context: string, error: unknown): void {
  console.error(`${context}: ${describeError(error)}`);
}

/** The same, for a failure the process recovers from. */
export function logWarning(context: string, error: unknown): void {
  console.warn(`${context}: ${describeError(error)}`);
}

const consoleMethods = ["error", "warn", "info", "log", "debug"] as const;
type ConsoleMethod = (typeof consoleMethods)[number];

const holder = globalThis as typeof globalThis & { __gpuMarketLogFilter?: () => void };

/**
 * Makes every console line of this process safe, whoever writes it: error objects are printed
 * through describeError and text through redactSecrets. The server installs it at start-up,
 * because Next.js logs errors that escape a request with `console.error(error)`, which would
 * print a drizzle error's parameters and a Postgres error's `detail`. Returns the uninstaller.
 */
export function installLogFilter(): () => void {
  if (holder.__gpuMarketLogFilter) return holder.__gpuMarketLogFilter;
  const originals = new Map<ConsoleMethod, (...args: unknown[]) => void>();
  for (const method of consoleMethods) {
    const original = console[method];
    originals.set(method, original);
    console[method] = (...args: unknown[]) => {
      if (args.every((a) => typeof a !== "object" || a === null)) {
        // Plain text, possibly with %s placeholders: format first, then scrub the result.
        const line = args.length ? formatWithOptions({ colors: false }, ...args) : "";
        original.call(console, args.length ? redactSecrets(line) : "");
        return;
      }
      original.apply(
        console,
        args.map((a) =>
          a instanceof Error || (isObject(a) && ("cause" in a || "params" in a))
            ? describeError(a)
            : typeof a === "string"
              ? redactSecrets(a)
              : a,
        ),
      );
    };
  }
  const uninstall = () => {
    for (const [method, original] of originals) console[method] = original;
    holder.__gpuMarketLogFilter = undefined;
  };
  holder.__gpuMarketLogFilter = uninstall;
  return uninstall;
}
