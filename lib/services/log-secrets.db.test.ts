import { randomBytes } from "node:crypto";
import { formatWithOptions } from "node:util";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { toFailure } from "@/lib/errors";
import { installLogFilter } from "@/lib/log";
import { submitJobAction } from "./jobs/actions";
import { createApiKeyAction, registerProviderAction } from "./providers/actions";
import { hashApiKey, providerForApiKey } from "./providers/providers";
import { jobInput, seedOffer, seedProvider, sessionOf, wallet } from "./testing";

/**
 * Bad input and failed statements through the real actions and services, on a real database,
 * with every console call and stream write captured: no secret may reach a log line.
 */
describe(`nothing secret reaches a log line on ${testDriver()}`, () => {
  let handle: DbHandle;
  let providerAddress: string;
  const consumer = sessionOf(wallet(0xe1));
  const lines: string[] = [];
  /** Every secret the run handled; none may appear in `lines`. */
  const secrets = new Set<string>();
  const mark = (prefix: string) => {
    const value = `${prefix}${randomBytes(12).toString("hex")}`;
    secrets.add(value);
    return value;
  };

  const capture = () => {
    for (const method of ["error", "warn", "info", "log", "debug"] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        // What Node would print: util.inspect shows an error's own fields and its cause.
        lines.push(formatWithOptions({ depth: 8, colors: false }, ...args));
      });
    }
    for (const stream of [process.stdout, process.stderr]) {
      const write = stream.write.bind(stream);
      vi.spyOn(stream, "write").mockImplementation(((chunk: unknown, ...rest: unknown[]) => {
        lines.push(String(chunk));
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof stream.write);
    }
  };

  /** The log text so far, checked for each secret and for any secret-shaped string. */
  const expectNoSecretLogged = () => {
    const log = lines.join("\n");
    for (const secret of secrets) expect(log, `"${secret}" was logged`).not.toContain(secret);
    expect(log).not.toMatch(/gmk_[A-Za-z0-9_-]{8,}/);
    expect(log).not.toMatch(/(?<![0-9a-zA-Z])[0-9a-f]{64}(?![0-9a-zA-Z])/);
    expect(log).not.toMatch(/0x[0-9a-fA-F]{130}/);
  };

  /** A job whose env carries a secret and a plain value, both marked. */
  const secretJob = (fields: Record<string, unknown> = {}) =>
    jobInput({
      env: [
        { name: "HF_TOKEN", value: mark("hf_secret_"), secret: true },
        { name: "WANDB_PROJECT", value: mark("plain_env_") },
      ],
      ...fields,
    });

  /** Runs `body` while every insert into `table` violates a check constraint. */
  async function whileRefusing(table: string, check: string, body: () => Promise<void>) {
    const name = sql.identifier(`log_test_${table}_refused`);
    await handle.db.execute(
      sql`alter table ${sql.identifier(table)} add constraint ${name} check (${sql.raw(check)}) not valid`,
    );
    try {
      await body();
    } finally {
      await handle.db.execute(
        sql`alter table ${sql.identifier(table)} drop constraint if exists ${name}`,
      );
    }
  }

  beforeAll(async () => {
    handle = await createTestDb();
    providerAddress = (await seedProvider(handle.db, 31)).address;
    await seedOffer(handle.db, providerAddress, { gpusTotal: 64 });
  });
  afterAll(async () => {
    await handle?.close();
  });
  beforeEach(capture);
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("NUL or a lone surrogate in each text field, wrapped around secrets, is refused without a log line of them", async () => {
    for (const bad of ["\u0000", "\ud800"]) {
      for (const field of ["command", "idempotencyKey", "image"]) {
        const r = await submitJobAction.run(secretJob({ [field]: `${mark("field_")}${bad}` }), {
          session: consumer,
          db: handle.db,
        });
        expect(r.ok ? "ok" : r.code).toBe("bad_request");
      }
      const env = [{ name: "HF_TOKEN", value: `${mark("hf_secret_")}${bad}`, secret: true }];
      const r = await submitJobAction.run(jobInput({ env }), { session: consumer, db: handle.db });
      expect(r.ok ? "ok" : r.fieldErrors).toHaveProperty(["env.0.value"]);
      const key = await createApiKeyAction.run(
        { label: `${mark("label_")}${bad}` },
        { session: sessionOf(providerAddress), db: handle.db },
      );
      expect(key.ok ? "ok" : key.code).toBe("bad_request");
      const provider = await registerProviderAction.run(
        { name: `${mark("name_")}${bad}`, region: "us-east", signerAddress: wallet(0x77) },
        { session: consumer, db: handle.db },
      );
      expect(provider.ok ? "ok" : provider.code).toBe("bad_request");
    }
    expectNoSecretLogged();
  });

  it("a job with secret env values is stored and quoted without logging them or the quote's signature", async () => {
    const r = await submitJobAction.run(secretJob(), { session: consumer, db: handle.db });
    if (!r.ok) throw new Error(r.message);
    if (r.data.quote) secrets.add(r.data.quote.signature);
    const key = await createApiKeyAction.run(
      { label: mark("label_") },
      { session: sessionOf(providerAddress), db: handle.db },
    );
    if (!key.ok) throw new Error(key.message);
    secrets.add(key.data.key);
    secrets.add(hashApiKey(key.data.key));
    expectNoSecretLogged();
  });

  it("a job insert that violates a check constraint is logged by SQLSTATE and constraint, not by its values", async () => {
    await whileRefusing("jobs", "false", async () => {
      const r = await submitJobAction.run(secretJob({ idempotencyKey: mark("idem_") }), {
        session: consumer,
        db: handle.db,
      });
      expect(r.ok ? "ok" : r.code).toBe("internal");
    });
    const log = lines.join("\n");
    expect(log).toContain("23514");
    expect(log).toContain("log_test_jobs_refused");
    expectNoSecretLogged();
  });

  it("an API key insert that fails is logged without the key's hash or label", async () => {
    await whileRefusing("provider_api_keys", "false", async () => {
      const r = await createApiKeyAction.run(
        { label: mark("label_") },
        { session: sessionOf(providerAddress), db: handle.db },
      );
      expect(r.ok ? "ok" : r.code).toBe("internal");
    });
    expect(lines.join("\n")).toContain("log_test_provider_api_keys_refused");
    expectNoSecretLogged();
  });

  it("statements on a closed database are logged without their parameters", async () => {
    const closed = await createTestDb();
    const address = (await seedProvider(closed.db, 32)).address;
    await closed.close();
    const apiKey = mark("gmk_");
    secrets.add(hashApiKey(apiKey));
    // What an agent route does with an API key it is given.
    const lookup = await providerForApiKey(closed.db, apiKey).then(
      () => "ok",
      (error: unknown) => toFailure(error, "agent API").code,
    );
    // Internal, or "unavailable" where the database boundary recognises a closed pool.
    expect(["internal", "unavailable"]).toContain(lookup);
    const job = await submitJobAction.run(secretJob({ idempotencyKey: mark("idem_") }), {
      session: sessionOf(address),
      db: closed.db,
    });
    expect(["internal", "unavailable"]).toContain(job.ok ? "ok" : job.code);
    expect(lines.join("\n")).toContain("parameters withheld");
    expectNoSecretLogged();
  });

  it("with the server's console filter, even a raw console.error(error) of a failed statement is safe", async () => {
    let failure: unknown;
    await whileRefusing("provider_api_keys", "false", async () => {
      const label = mark("label_");
      await handle.db
        .execute(
          sql`insert into provider_api_keys (provider_id, label, prefix, key_hash)
              select id, ${label}, 'gmk_abcdef', ${hashApiKey(mark("gmk_"))} from providers limit 1`,
        )
        .catch((error: unknown) => {
          failure = error;
        });
    });
    expect(failure).toBeDefined();
    const uninstall = installLogFilter();
    try {
      // How Next.js logs an error that escapes a request.
      console.error(failure);
      console.error("⨯", failure);
    } finally {
      uninstall();
    }
    expect(lines.join("\n")).toContain("23514");
    expectNoSecretLogged();
    // Printed as it is, the same error shows its parameters: the check above can fail.
    expect(formatWithOptions({ depth: 8 }, failure)).toMatch(/label_[0-9a-f]{24}/);
  });
});
