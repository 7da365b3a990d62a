import "server-only";
import { type SQL, sql } from "drizzle-orm";
import type { Executor } from "@/db/client";

/** A Postgres array literal: `{"a","b"}`. Cast it in the SQL (`$1::text[]`, `$1::uuid[]`). */
export function pgArray(values: readonly (string | bigint | number)[]): string {
  return `{${values.map((v) => `"${String(v).replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
}

/**
 * A text[] parameter. drizzle expands a JS array in a template into a parameter list, so arrays
 * travel as one Postgres array literal instead (both node-postgres and PGlite accept it).
 */
export function textArray(values: readonly string[]): SQL {
  return sql`${pgArray(values)}::text[]`;
}

/** A statement with a fixed text, parsed and planned once per connection (node-postgres). */
export type Prepared = { readonly name: string; readonly text: string };

const preparedTexts = new Map<string, string>();

/**
 * Declares a named statement for the hot path. Its text never varies (variable lists travel as
 * array parameters), so node-postgres parses it once per pooled connection and Postgres can
 * reuse the plan; PGlite runs the same text unnamed.
 */
export function prepared(name: string, text: string): Prepared {
  const seen = preparedTexts.get(name);
  if (seen !== undefined && seen !== text) {
    throw new Error(`prepared statement ${name} declared twice with different texts`);
  }
  preparedTexts.set(name, text);
  return { name, text };
}

type Queryable = {
  query: (...args: never[]) => Promise<{ rows: unknown[] }>;
};

/** The driver's client behind a drizzle database or transaction (pool, pool client or PGlite). */
function clientOf(executor: Executor): { client: Queryable; named: boolean } {
  const session = (executor as unknown as { session?: { client?: Queryable } }).session;
  const client = session?.client;
  if (!client) throw new Error("this database handle exposes no driver client");
  // PGlite's client has `exec`; node-postgres pools and clients take a query config with a name.
  const named = !("exec" in client);
  return { client, named };
}

/**
 * Runs a prepared statement on the executor's connection (inside its transaction when it is
 * one). Parameters are strings, numbers, booleans or null; cast them in the SQL text.
 */
export async function runPrepared<T>(
  executor: Executor,
  statement: Prepared,
  params: readonly (string | number | boolean | null)[],
): Promise<T[]> {
  const { client, named } = clientOf(executor);
  const query = client.query as unknown as (...args: unknown[]) => Promise<{ rows: T[] }>;
  const result = named
    ? await query.call(client, { name: statement.name, text: statement.text, values: params })
    : await query.call(client, statement.text, params);
  return result.rows;
}
