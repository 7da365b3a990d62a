import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DbHandle, queryRows } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { cancelJobAction, submitJobAction } from "./jobs/actions";
import { createOfferAction, pauseOfferAction, updateOfferAction } from "./offers/actions";
import { registerProviderAction } from "./providers/actions";
import { jobInput, seedOffer, seedProvider, sessionOf, wallet } from "./testing";

const offer = (fields: Record<string, unknown> = {}) => ({
  gpuModel: "h100-80gb",
  gpusTotal: 8,
  askWeiPerGpuHour: "1000000000000000",
  region: "us-east",
  ...fields,
});
const tooBig = (2n ** 256n).toString();

describe(`bad input on ${testDriver()}`, () => {
  let handle: DbHandle;
  let providerAddress: string;
  let rivalAddress: string;
  let offerId: string;
  let jobId: string;
  const consumer = sessionOf(wallet(0xc1));
  const stranger = sessionOf(wallet(0xc2));

  beforeAll(async () => {
    handle = await createTestDb();
    const p = await seedProvider(handle.db, 11);
    providerAddress = p.address;
    rivalAddress = (await seedProvider(handle.db, 12)).address;
    offerId = (await seedOffer(handle.db, p.address)).id;
    const job = await submitJobAction.run(jobInput(), { session: consumer, db: handle.db });
    if (!job.ok) throw new Error(job.message);
    jobId = job.data.job.id;
  });
  afterAll(async () => {
    await handle?.close();
  });

  const counts = async () =>
    (
      await queryRows<{ j: number; o: number; e: number; l: number; p: number }>(
        handle.db,
        sql`select (select count(*)::int from jobs) as j, (select count(*)::int from offers) as o,
              (select count(*)::int from market_events) as e, (select count(*)::int from leases) as l,
              (select count(*)::int from providers) as p`,
      )
    )[0];

  type Run = (
    raw: unknown,
    ctx: { session: ReturnType<typeof sessionOf> | null; db: DbHandle["db"] },
  ) => Promise<{ ok: true } | { ok: false; code: string; fieldErrors?: Record<string, string[]> }>;
  const provider = () => sessionOf(providerAddress);
  const rival = () => sessionOf(rivalAddress);
  const cases: [
    string,
    () => Run,
    () => unknown,
    () => ReturnType<typeof sessionOf>,
    string,
    string,
  ][] = [
    [
      "offer: unknown GPU model",
      () => createOfferAction.run,
      () => offer({ gpuModel: "h900-1tb" }),
      provider,
      "bad_request",
      "gpuModel",
    ],
    [
      "offer: zero GPUs",
      () => createOfferAction.run,
      () => offer({ gpusTotal: 0 }),
      provider,
      "bad_request",
      "gpusTotal",
    ],
    [
      "offer: negative GPUs",
      () => createOfferAction.run,
      () => offer({ gpusTotal: -4 }),
      provider,
      "bad_request",
      "gpusTotal",
    ],
    [
      "offer: fractional GPUs",
      () => createOfferAction.run,
      () => offer({ gpusTotal: 1.5 }),
      provider,
      "bad_request",
      "gpusTotal",
    ],
    [
      "offer: price beyond uint256",
      () => createOfferAction.run,
      () => offer({ askWeiPerGpuHour: tooBig }),
      provider,
      "bad_request",
      "askWeiPerGpuHour",
    ],
    [
      "offer: zero price",
      () => createOfferAction.run,
      () => offer({ askWeiPerGpuHour: "0" }),
      provider,
      "bad_request",
      "askWeiPerGpuHour",
    ],
    [
      "offer: price not a number",
      () => createOfferAction.run,
      () => offer({ askWeiPerGpuHour: "1e18" }),
      provider,
      "bad_request",
      "askWeiPerGpuHour",
    ],
    [
      "offer: hours beyond limit",
      () => createOfferAction.run,
      () => offer({ maxHours: 721 }),
      provider,
      "bad_request",
      "maxHours",
    ],
    [
      "offer: min above max hours",
      () => createOfferAction.run,
      () => offer({ minHours: 10, maxHours: 5 }),
      provider,
      "bad_request",
      "maxHours",
    ],
    [
      "offer: unknown region",
      () => createOfferAction.run,
      () => offer({ region: "mars-1" }),
      provider,
      "bad_request",
      "region",
    ],
    [
      "offer: not a provider",
      () => createOfferAction.run,
      () => offer(),
      () => stranger,
      "forbidden",
      "",
    ],
    [
      "offer: pause as a wallet that is no provider",
      () => pauseOfferAction.run,
      () => ({ offerId }),
      () => stranger,
      "forbidden",
      "",
    ],
    [
      "offer: pause another provider's offer",
      () => pauseOfferAction.run,
      () => ({ offerId }),
      rival,
      "not_found",
      "offerId",
    ],
    [
      "offer: edit another provider's offer",
      () => updateOfferAction.run,
      () => ({ offerId, askWeiPerGpuHour: "1" }),
      rival,
      "not_found",
      "offerId",
    ],
    [
      "offer: shrink below leased GPUs",
      () => updateOfferAction.run,
      () => ({ offerId, gpusTotal: 1 }),
      provider,
      "conflict",
      "gpusTotal",
    ],
    [
      "provider: bad signer address",
      () => registerProviderAction.run,
      () => ({ name: "x", region: "us-east", signerAddress: "0x12" }),
      () => stranger,
      "bad_request",
      "signerAddress",
    ],
    [
      "job: unknown GPU model",
      () => submitJobAction.run,
      () => jobInput({ gpuModels: ["h900-1tb"] }),
      () => consumer,
      "bad_request",
      "gpuModels.0",
    ],
    [
      "job: no GPU requirement",
      () => submitJobAction.run,
      () => jobInput({ gpuModels: [] }),
      () => consumer,
      "bad_request",
      "gpuModels",
    ],
    [
      "job: zero GPUs",
      () => submitJobAction.run,
      () => jobInput({ gpuCount: 0 }),
      () => consumer,
      "bad_request",
      "gpuCount",
    ],
    [
      "job: negative GPUs",
      () => submitJobAction.run,
      () => jobInput({ gpuCount: -1 }),
      () => consumer,
      "bad_request",
      "gpuCount",
    ],
    [
      "job: too many GPUs",
      () => submitJobAction.run,
      () => jobInput({ gpuCount: 65 }),
      () => consumer,
      "bad_request",
      "gpuCount",
    ],
    [
      "job: price beyond uint256",
      () => submitJobAction.run,
      () => jobInput({ maxPricePerGpuHour: tooBig }),
      () => consumer,
      "bad_request",
      "maxPricePerGpuHour",
    ],
    [
      "job: hours beyond limit",
      () => submitJobAction.run,
      () => jobInput({ maxHours: 100_000 }),
      () => consumer,
      "bad_request",
      "maxHours",
    ],
    [
      "job: zero hours",
      () => submitJobAction.run,
      () => jobInput({ maxHours: 0 }),
      () => consumer,
      "bad_request",
      "maxHours",
    ],
    [
      "job: oversized command",
      () => submitJobAction.run,
      () => jobInput({ command: "x".repeat(4097) }),
      () => consumer,
      "bad_request",
      "command",
    ],
    [
      "job: oversized env value",
      () => submitJobAction.run,
      () => jobInput({ env: [{ name: "A", value: "x".repeat(5000) }] }),
      () => consumer,
      "bad_request",
      "env.0.value",
    ],
    [
      "job: too many env vars",
      () => submitJobAction.run,
      () =>
        jobInput({ env: Array.from({ length: 65 }, (_, i) => ({ name: `V${i}`, value: "1" })) }),
      () => consumer,
      "bad_request",
      "env",
    ],
    [
      "job: env total too large",
      () => submitJobAction.run,
      () =>
        jobInput({
          env: Array.from({ length: 10 }, (_, i) => ({ name: `V${i}`, value: "x".repeat(4000) })),
        }),
      () => consumer,
      "bad_request",
      "env",
    ],
    [
      "job: bad env name",
      () => submitJobAction.run,
      () => jobInput({ env: [{ name: "1; rm -rf", value: "" }] }),
      () => consumer,
      "bad_request",
      "env.0.name",
    ],
    [
      "job: unknown region",
      () => submitJobAction.run,
      () => jobInput({ regions: ["mars-1"] }),
      () => consumer,
      "bad_request",
      "regions.0",
    ],
    [
      "job: unknown kind",
      () => submitJobAction.run,
      () => jobInput({ kind: "mining" }),
      () => consumer,
      "bad_request",
      "kind",
    ],
    [
      "job: bad image",
      () => submitJobAction.run,
      () => jobInput({ image: "img; rm -rf /" }),
      () => consumer,
      "bad_request",
      "image",
    ],
    [
      "job: missing idempotency key",
      () => submitJobAction.run,
      () => jobInput({ idempotencyKey: "" }),
      () => consumer,
      "bad_request",
      "idempotencyKey",
    ],
    [
      "job: cancel another user's job",
      () => cancelJobAction.run,
      () => ({ jobId }),
      () => stranger,
      "not_found",
      "jobId",
    ],
    [
      "job: cancel a job id that is not a uuid",
      () => cancelJobAction.run,
      () => ({ jobId: "1 or 1=1" }),
      () => consumer,
      "bad_request",
      "jobId",
    ],
  ];

  it.each(cases)(
    "%s is refused and writes nothing",
    async (_name, action, raw, who, code, field) => {
      const before = await counts();
      const result = await action()(raw(), { session: who(), db: handle.db });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.code).toBe(code);
      if (field) expect(result.fieldErrors?.[field]?.length).toBeGreaterThan(0);
      expect(await counts()).toEqual(before);
    },
  );

  it("refuses every write without a session", async () => {
    const before = await counts();
    for (const run of [createOfferAction.run, submitJobAction.run, cancelJobAction.run]) {
      const r = await run(jobInput(), { session: null, db: handle.db });
      expect(r.ok ? "ok" : r.code).toBe("unauthorized");
    }
    expect(await counts()).toEqual(before);
  });
});
