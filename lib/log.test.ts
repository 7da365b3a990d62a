import { formatWithOptions } from "node:util";
import { DrizzleQueryError } from "drizzle-orm";
import pg from "pg";
import { afterEach, describe, expect, it, vi } from "vitest";
import { describeError, installLogFilter, logError, redactSecrets } from "./log";

const { DatabaseError } = pg;

const apiKey = "gmk_Zq3xW9vT2bLk8mN4pR7sY1uE6hJ0cF5aD2gK9wQ";
const keyHash = "9f2c7a4b1e8d3f6a0c5b2e7d4a1f8c3b6e9d2a5f8c1b4e7a0d3f6c9b2e5a8d1f";
const envValue = "hf_SECRET_token_4411";
const signature = `0x${"ab".repeat(65)}`;

/** A drizzle error around a node-postgres server error, as a failed insert produces them. */
function failedInsert() {
  const server = new DatabaseError(
    'new row for relation "provider_api_keys" violates check constraint "provider_api_keys_label_check"',
    120,
    "error",
  );
  Object.assign(server, {
    severity: "ERROR",
    code: "23514",
    detail: `Failing row contains (1, box, ${keyHash}, ${envValue}).`,
    where: `SQL statement "insert ..." PL/pgSQL function f() line 3 at ${apiKey}`,
    hint: `try ${envValue}`,
    internalQuery: `select '${keyHash}'`,
    table: "provider_api_keys",
    constraint: "provider_api_keys_label_check",
    schema: "public",
  });
  return new DrizzleQueryError(
    'insert into "provider_api_keys" ("label", "key_hash", "note") values ($1, $2, $3)',
    ["box", keyHash, `${envValue} ${signature}`],
    server,
  );
}

const secrets = [apiKey, keyHash, envValue, signature, "Failing row", "PL/pgSQL"];

describe("describeError", () => {
  it("names the class, SQLSTATE, table, constraint and statement, and no parameter or row value", () => {
    const text = describeError(failedInsert());
    expect(text).toContain("DrizzleQueryError");
    expect(text).toContain('insert into "provider_api_keys" ("label", "key_hash", "note")');
    expect(text).toContain("3 parameters withheld");
    expect(text).toContain("DatabaseError 23514");
    expect(text).toContain("table provider_api_keys");
    expect(text).toContain("constraint provider_api_keys_label_check");
    expect(text).toContain(
      'new row for relation "provider_api_keys" violates check constraint "provider_api_keys_label_check"',
    );
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it("the raw error would have printed them (the test can fail)", () => {
    const raw = formatWithOptions({ depth: 10 }, failedInsert());
    for (const secret of [keyHash, envValue, signature, "Failing row"])
      expect(raw).toContain(secret);
  });

  it("withholds a value the server quotes in its message, keeping the statement's names", () => {
    const server = Object.assign(
      new DatabaseError(`invalid input syntax for type uuid: "${apiKey}"`, 80, "error"),
      { severity: "ERROR", code: "22P02" },
    );
    const text = describeError(
      new DrizzleQueryError('select * from "jobs" where "id" = $1', [apiKey], server),
    );
    expect(text).toContain('DatabaseError 22P02: invalid input syntax for type uuid: "…"');
    expect(text).not.toContain(apiKey);
    expect(text).not.toContain("gmk_");
  });

  it("names the statement of a server error that carries it and its parameters itself (PGlite)", () => {
    const server = Object.assign(
      new DatabaseError('new row for relation "jobs" violates check constraint "c1"', 80, "error"),
      {
        severity: "ERROR",
        code: "23514",
        table: "jobs",
        constraint: "c1",
        detail: `Failing row contains (${envValue}).`,
        query: "insert into jobs select * from jsonb_to_recordset($1::jsonb)",
        params: [JSON.stringify({ env: envValue })],
      },
    );
    const text = describeError(server);
    expect(text).toContain("DatabaseError 23514");
    expect(text).toContain("statement (parameters withheld): insert into jobs select");
    for (const secret of secrets) expect(text).not.toContain(secret);
  });

  it("shows the SQLSTATE of the database boundary's own error classes", () => {
    class ConstraintViolation extends Error {
      readonly sqlState = "23505";
    }
    expect(describeError(new ConstraintViolation("constraint k on jobs refused a row"))).toMatch(
      /^ConstraintViolation 23505: constraint k on jobs refused a row/,
    );
  });

  it("prints the stack frames but not the stack's first line, which repeats the message", () => {
    const text = describeError(failedInsert());
    expect(text).toMatch(/\n\s+at /);
    expect(text).not.toContain("Failed query");
  });

  it("describes plain errors, causes, aggregate errors and thrown non-errors", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), {
      code: "ECONNREFUSED",
    });
    const text = describeError(
      new Error("opening the pool", { cause: new AggregateError([refused]) }),
    );
    expect(text).toContain("Error: opening the pool");
    expect(text).toContain("caused by AggregateError");
    expect(text).toContain("including Error ECONNREFUSED: connect ECONNREFUSED 127.0.0.1:5432");
    expect(describeError(`leaked ${apiKey}`)).toBe("thrown string: leaked gmk_[redacted]");
  });

  it("ends a cycle of causes", () => {
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(
      describeError(a)
        .split("\n")
        .filter((l) => !/^\s+at /.test(l)),
    ).toEqual(["Error: a", "  caused by Error: b"]);
  });
});

describe("redactSecrets", () => {
  it("scrubs API keys, bare sha256 hex, signatures, session cookies and drizzle parameters", () => {
    const line = redactSecrets(
      `key ${apiKey} hash ${keyHash} sig ${signature} cookie gpu_market_session=abc.def; x\n` +
        `Failed query: select 1\nparams: ${envValue}`,
    );
    for (const secret of [apiKey, keyHash, signature, "abc.def", envValue])
      expect(line).not.toContain(secret);
    expect(line).toContain("params: [withheld]");
  });

  it("keeps 0x-prefixed ids and hashes, which are public", () => {
    const jobId = `0x${"1f".repeat(32)}`;
    expect(redactSecrets(`job ${jobId} funded`)).toBe(`job ${jobId} funded`);
  });
});

describe("logError and the console filter", () => {
  let uninstall: (() => void) | undefined;
  afterEach(() => {
    uninstall?.();
    uninstall = undefined;
    vi.restoreAllMocks();
  });

  it("logError prints one safe text with its context", () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    logError("creating an API key", failedInsert());
    expect(error).toHaveBeenCalledTimes(1);
    const [line] = error.mock.calls[0] ?? [];
    expect(typeof line).toBe("string");
    expect(line).toMatch(/^creating an API key: DrizzleQueryError/);
    for (const secret of secrets) expect(line).not.toContain(secret);
  });

  it("the filter makes any console call safe, whoever logs the error", () => {
    const lines: string[] = [];
    for (const method of ["error", "warn", "info", "log"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        lines.push(formatWithOptions({ depth: 10 }, ...args));
      });
    }
    uninstall = installLogFilter();
    console.error(failedInsert());
    console.error("⨯", failedInsert());
    console.warn(`batch failed: ${String(failedInsert())}`);
    console.info("new key %s", apiKey);
    console.log({ nested: failedInsert() }.nested);
    expect(lines).toHaveLength(5);
    for (const line of lines) for (const secret of secrets) expect(line).not.toContain(secret);
    expect(lines[0]).toContain("DatabaseError 23514");
    expect(lines[2]).toContain("params: [withheld]");

    uninstall();
    uninstall = undefined;
    console.error(failedInsert());
    expect(lines.at(-1)).toContain(keyHash);
  });
});
