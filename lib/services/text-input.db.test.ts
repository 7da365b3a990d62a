import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { type DbHandle, queryRows } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import type { Action } from "@/lib/actions/define-action";
import { textProblem } from "@/lib/validation/text";
import { submitJobAction } from "./jobs/actions";
import { createApiKeyAction } from "./providers/actions";
import { jobInput, seedOffer, seedProvider, sessionOf, wallet } from "./testing";

/** A string the schema reaches: free text (must be built from `text()`), an enum, or a format. */
type Leaf = { path: (string | number)[]; kind: "text" | "enum" | "format"; schema: z.ZodType };

type Def = {
  type: string;
  format?: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  options?: z.ZodType[];
  in?: z.ZodType;
  out?: z.ZodType;
  innerType?: z.ZodType;
};
const defOf = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Every place a schema takes a string, with the input path that reaches it (arrays: item 0). */
function stringLeaves(schema: z.ZodType, at: (string | number)[] = []): Leaf[] {
  const def = defOf(schema);
  switch (def.type) {
    case "string":
      return [{ path: at, kind: def.format ? "format" : "text", schema }];
    case "enum":
      return [{ path: at, kind: "enum", schema }];
    case "object":
      return Object.entries(def.shape ?? {}).flatMap(([k, v]) => stringLeaves(v, [...at, k]));
    case "array":
      return def.element ? stringLeaves(def.element, [...at, 0]) : [];
    case "union":
      return (def.options ?? []).flatMap((o) => stringLeaves(o, at));
    case "pipe":
      return [def.in, def.out].flatMap((s) => (s ? stringLeaves(s, at) : []));
    default:
      return def.innerType ? stringLeaves(def.innerType, at) : [];
  }
}

function withValueAt(base: unknown, at: (string | number)[], value: string): unknown {
  const root = structuredClone(base) as Record<string | number, unknown>;
  let node = root;
  at.forEach((key, i) => {
    if (i === at.length - 1) {
      node[key] = value;
      return;
    }
    const next = at[i + 1];
    node[key] ??= typeof next === "number" ? [] : {};
    node = node[key] as Record<string | number, unknown>;
  });
  return root;
}

const root = path.resolve(import.meta.dirname, "../..");

/** Source files under `dirs` (tests excluded), as paths relative to the repository root. */
function sourceFiles(dirs: string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(path.join(root, dir))) {
      const rel = path.join(dir, name);
      if (statSync(path.join(root, rel)).isDirectory()) walk(rel);
      else if (/\.tsx?$/.test(name) && !/\.test\.tsx?$/.test(name)) out.push(rel);
    }
  };
  for (const dir of dirs) walk(dir);
  return out;
}

/** Every server action in the code base: each module that calls defineAction, every export. */
const actionFiles = sourceFiles(["lib", "app"]).filter(
  (f) =>
    f !== "lib/actions/define-action.ts" &&
    readFileSync(path.join(root, f), "utf8").includes("defineAction("),
);
const actionModules: Record<string, unknown> = Object.assign(
  {},
  ...(await Promise.all(actionFiles.map((f) => import(path.join(root, f))))),
);
const actions = Object.entries(actionModules).filter(
  (entry): entry is [string, Action<unknown>] =>
    typeof entry[1] === "function" && "input" in entry[1] && "run" in entry[1],
);

const badTexts = [
  ["a NUL character", "gpu\u0000box"],
  ["a lone surrogate", "gpu\ud800box"],
] as const;

describe("every string an action schema takes is built from text()", () => {
  it("finds the actions and their strings", () => {
    expect(actions.length).toBeGreaterThanOrEqual(10);
    const leaves = actions.flatMap(([, a]) => stringLeaves(a.input));
    expect(leaves.filter((l) => l.kind === "text").length).toBeGreaterThanOrEqual(10);
  });

  it.each(actions)("%s: each free-text string refuses NUL and invalid UTF-16 itself", (_, a) => {
    for (const leaf of stringLeaves(a.input).filter((l) => l.kind === "text")) {
      for (const [, bad] of badTexts) {
        const messages = (leaf.schema.safeParse(bad).error?.issues ?? []).map((i) => i.message);
        // A plain z.string() with a regex refuses too, but not with text()'s sentence.
        expect(messages, `${leaf.path.join(".")} is not built from text()`).toContain(
          textProblem(bad),
        );
      }
    }
  });

  it("no schema outside lib/auth and lib/env.ts calls z.string() directly", () => {
    const allowed = new Set(["lib/validation/text.ts", "lib/env.ts"]);
    const offenders = sourceFiles(["lib", "app", "components", "db"]).filter(
      (f) =>
        !allowed.has(f) &&
        !f.startsWith("lib/auth/") &&
        /\bz\s*\.\s*(string|coerce\s*\.\s*string)\s*\(/.test(
          readFileSync(path.join(root, f), "utf8"),
        ),
    );
    expect(offenders, "build text fields with text() from lib/validation/text.ts").toEqual([]);
  });
});

describe(`NUL and invalid UTF-16 in any field on ${testDriver()}`, () => {
  let handle: DbHandle;
  let providerAddress: string;
  let offerId: string;
  let jobId: string;
  let keyId: string;
  const consumer = sessionOf(wallet(0xd1));

  beforeAll(async () => {
    handle = await createTestDb();
    const p = await seedProvider(handle.db, 21);
    providerAddress = p.address;
    offerId = (await seedOffer(handle.db, p.address)).id;
    const job = await submitJobAction.run(jobInput(), {
      session: consumer,
      db: handle.db,
    });
    if (!job.ok) throw new Error(job.message);
    jobId = job.data.job.id;
    const key = await createApiKeyAction.run(
      { label: "box 1" },
      { session: sessionOf(providerAddress), db: handle.db },
    );
    if (!key.ok || !key.data.id) throw new Error(key.ok ? "no key id" : key.message);
    keyId = key.data.id;
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** Row counts of every table: a refused input must leave all of them as they were. */
  const rowCounts = async () => {
    const tables = await queryRows<{ t: string }>(
      handle.db,
      sql`select table_name as t from information_schema.tables
          where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
    );
    const counts: Record<string, number> = {};
    for (const { t } of tables) {
      const [row] = await queryRows<{ n: number }>(
        handle.db,
        sql`select count(*)::int as n from ${sql.identifier(t)}`,
      );
      counts[t] = row?.n ?? -1;
    }
    return counts;
  };

  /** An input each action accepts, and who calls it; every action must have one. */
  const valid: Record<string, () => { input: unknown; as: ReturnType<typeof sessionOf> }> = {
    submitJobAction: () => ({ input: jobInput({ regions: ["us-east"] }), as: consumer }),
    jobStatusAction: () => ({ input: { jobId }, as: consumer }),
    cancelJobAction: () => ({ input: { jobId }, as: consumer }),
    registerProviderAction: () => ({
      input: { name: "Acme GPUs", region: "us-east", signerAddress: wallet(0x99) },
      as: consumer,
    }),
    setProviderStatusAction: () => ({
      input: { status: "online" },
      as: sessionOf(providerAddress),
    }),
    createOfferAction: () => ({
      input: { gpuModel: "h100-80gb", gpusTotal: 2, askWeiPerGpuHour: "1000", region: "us-east" },
      as: sessionOf(providerAddress),
    }),
    updateOfferAction: () => ({
      input: { offerId, askWeiPerGpuHour: "1000" },
      as: sessionOf(providerAddress),
    }),
    pauseOfferAction: () => ({ input: { offerId }, as: sessionOf(providerAddress) }),
    resumeOfferAction: () => ({ input: { offerId }, as: sessionOf(providerAddress) }),
    removeOfferAction: () => ({ input: { offerId }, as: sessionOf(providerAddress) }),
    createApiKeyAction: () => ({ input: { label: "box 2" }, as: sessionOf(providerAddress) }),
    revokeApiKeyAction: () => ({ input: { keyId }, as: sessionOf(providerAddress) }),
    searchOffersAction: () => ({
      input: {
        gpuModels: ["h100-80gb"],
        regions: ["us-east"],
        maxAskWeiPerGpuHour: "5",
        sort: "vram",
      },
      as: consumer,
    }),
    marketStatsAction: () => ({ input: {}, as: consumer }),
    missedMatchesAction: () => ({ input: {}, as: sessionOf(providerAddress) }),
    listSessionsAction: () => ({ input: {}, as: consumer }),
    endSessionAction: () => ({ input: { sessionId: "ab".repeat(32) }, as: consumer }),
    endOtherSessionsAction: () => ({ input: {}, as: consumer }),
    liveQuoteAction: () => ({
      input: {
        gpuModels: ["h100-80gb"],
        gpuCount: 1,
        regions: ["us-east"],
        maxPricePerGpuHour: "1000",
        maxHours: 1,
      },
      as: consumer,
    }),
    removeIdleOfferAction: () => ({ input: { offerId }, as: sessionOf(providerAddress) }),
    previewResolutionAction: () => ({
      input: { chainJobId: `0x${"ab".repeat(32)}`, providerPayBps: 5_000, slashBps: 0 },
      as: sessionOf(providerAddress),
    }),
  };

  it("knows a valid input for every action, and each is valid", () => {
    for (const [name, a] of actions) {
      expect(valid[name], `add ${name} to the valid inputs`).toBeDefined();
      const parsed = a.input.safeParse(valid[name]?.().input);
      expect(parsed.error?.issues ?? [], name).toEqual([]);
    }
  });

  const cases = actions.flatMap(([name, a]) =>
    stringLeaves(a.input).flatMap((leaf) =>
      badTexts.map(([what, bad]) => [name, leaf.path.join("."), what, a, leaf, bad] as const),
    ),
  );

  it.each(cases)(
    "%s: %s with %s is a field error and writes nothing",
    async (name, field, _what, action, leaf, bad) => {
      const base = valid[name]?.();
      if (!base) throw new Error(`no valid input for ${name}`);
      const before = await rowCounts();
      const result = await action.run(withValueAt(base.input, leaf.path, bad), {
        session: base.as,
        db: handle.db,
      });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe("bad_request");
      expect(Object.keys(result.fieldErrors ?? {})).toEqual([field]);
      if (leaf.kind === "text") expect(result.fieldErrors?.[field]).toContain(textProblem(bad));
      else expect(result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
      expect(await rowCounts()).toEqual(before);
    },
  );
});
