import "server-only";
import { type SQL, sql } from "drizzle-orm";

/**
 * A text[] parameter. drizzle expands a JS array in a template into a parameter list, so arrays
 * travel as one Postgres array literal instead (both node-postgres and PGlite accept it).
 */
export function textArray(values: readonly string[]): SQL {
  const literal = `{${values.map((v) => `"${v.replace(/["\\]/g, "\\$&")}"`).join(",")}}`;
  return sql`${literal}::text[]`;
}
