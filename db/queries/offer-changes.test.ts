import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The submit batcher keeps a copy of the order book; a write to offers or to a provider's status
 * made outside its batches must end that copy (`offersChanged()`). Every such write lives in
 * db/queries, so this checks there that none forgets: each exported function that writes offers
 * or providers with drizzle calls it, and each file whose SQL text writes offers calls it (or is
 * the batch write, whose takes the batcher applies to the copy itself).
 */
const queries = path.resolve(__dirname);
const selfKept = new Set(["placement/write-batch.ts"]);

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return files(full);
    return name.endsWith(".ts") && !name.endsWith(".test.ts") ? [full] : [];
  });
}

/** Each top-level exported function's name and text. */
function exportedFunctions(source: string): { name: string; body: string }[] {
  const starts = [...source.matchAll(/^export (?:async )?function (\w+)/gm)];
  return starts.map((m, i) => ({
    name: m[1] ?? "",
    body: source.slice(m.index, starts[i + 1]?.index ?? source.length),
  }));
}

const drizzleWrite = /\.(?:update|insert)\((?:offers|providers)\)/;
const sqlWrite = /\b(?:update offers|insert into offers|update providers)\b/i;

describe("writes to offers end the batcher's copy of the book", () => {
  it("the check sees a forgotten call", () => {
    const source = `export async function grow(tx) {\n  await tx.update(offers).set({ gpusFree: 1 });\n}\n`;
    const forgot = exportedFunctions(source).filter(
      (f) => drizzleWrite.test(f.body) && !/offersChanged\(/.test(f.body),
    );
    expect(forgot.map((f) => f.name)).toEqual(["grow"]);
  });

  it("every write in db/queries calls offersChanged()", () => {
    const missing: string[] = [];
    for (const file of files(queries)) {
      const rel = path.relative(queries, file);
      const source = readFileSync(file, "utf8");
      for (const f of exportedFunctions(source)) {
        if (drizzleWrite.test(f.body) && !/offersChanged\(/.test(f.body)) {
          // Provider rows are written for their name or signer too: only status matters.
          if (/\.update\(providers\)/.test(f.body) && !/status/.test(f.body)) continue;
          missing.push(`${rel}: ${f.name}`);
        }
      }
      if (sqlWrite.test(source) && !selfKept.has(rel) && !/offersChanged\(/.test(source)) {
        missing.push(`${rel}: SQL text writes offers`);
      }
    }
    expect(missing).toEqual([]);
  });
});
