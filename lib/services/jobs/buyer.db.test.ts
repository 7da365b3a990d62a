import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb, testDriver } from "@/db/testing";
import { AppError } from "@/lib/errors";
import { jobInput, seedOffer, seedProvider, sessionOf, wallet } from "../testing";
import { cancelJobAction, submitJobAction } from "./actions";
import { buyerJobDetail, buyerJobs } from "./buyer";

const alice = sessionOf(wallet(0xa1));
const bob = sessionOf(wallet(0xb0));

describe(`the buyer's job reads on ${testDriver()}`, () => {
  let handle: DbHandle;
  beforeAll(async () => {
    handle = await createTestDb();
    const provider = await seedProvider(handle.db, 1);
    await seedOffer(handle.db, provider.address, { gpusTotal: 8 });
  });
  afterAll(async () => {
    await handle?.close();
  });

  async function submit(session = alice, fields: Record<string, unknown> = {}) {
    const result = await submitJobAction.run(jobInput({ gpuCount: 1, ...fields }), {
      session,
      db: handle.db,
    });
    if (!result.ok) throw new Error(result.message);
    return result.data.job.id;
  }

  it("lists only the buyer's own jobs, newest first, with the status filter", async () => {
    const first = await submit();
    const second = await submit();
    const bobs = await submit(bob);
    await cancelJobAction.run({ jobId: first }, { session: alice, db: handle.db });

    const { items: all, total } = await buyerJobs(handle.db, alice.address);
    expect(total).toBe(2);
    expect(all.map((j) => j.id)).toEqual([second, first]);
    expect(all.map((j) => j.status)).toEqual(["quoted", "cancelled"]);
    expect(all[0]?.market).toBe("h100-80gb/us-east");
    expect(all[0]?.pricePerGpuHour).toBe(10n ** 15n);
    // Nothing on chain yet: no escrow, cost or refund to show.
    expect(all[0]).toMatchObject({ escrow: null, cost: null, refund: null });

    expect((await buyerJobs(handle.db, alice.address, "cancelled")).items.map((j) => j.id)).toEqual(
      [first],
    );
    expect((await buyerJobs(handle.db, alice.address, "waiting")).items.map((j) => j.id)).toEqual([
      second,
    ]);
    expect(await buyerJobs(handle.db, alice.address, "settled")).toEqual({
      items: [],
      total: 0,
      page: 1,
      pages: 1,
    });
    expect((await buyerJobs(handle.db, bob.address)).items.map((j) => j.id)).toEqual([bobs]);
  });

  it("pages the list on the server, newest first, with the count of all pages", async () => {
    const carol = sessionOf(wallet(0xca));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await submit(carol));
    const newest = [...ids].reverse();
    const page = (n: number, filter: "all" | "waiting" | "cancelled" = "all") =>
      buyerJobs(handle.db, carol.address, filter, n, 2);
    const p1 = await page(1);
    expect({ total: p1.total, page: p1.page, pages: p1.pages }).toEqual({
      total: 5,
      page: 1,
      pages: 3,
    });
    expect(p1.items.map((j) => j.id)).toEqual(newest.slice(0, 2));
    expect((await page(2)).items.map((j) => j.id)).toEqual(newest.slice(2, 4));
    expect((await page(3)).items.map((j) => j.id)).toEqual(newest.slice(4));
    // Past the end (a stale link): the last page; nonsense: the first.
    const past = await page(9);
    expect(past.page).toBe(3);
    expect(past.items.map((j) => j.id)).toEqual(newest.slice(4));
    expect((await page(-1)).page).toBe(1);
    // The count follows the filter.
    await cancelJobAction.run({ jobId: ids[0] as string }, { session: carol, db: handle.db });
    const cancelled = await page(1, "cancelled");
    expect({ total: cancelled.total, pages: cancelled.pages }).toEqual({ total: 1, pages: 1 });
    expect(cancelled.items.map((j) => j.id)).toEqual([ids[0]]);
    expect((await page(2, "waiting")).items.map((j) => j.id)).toEqual(newest.slice(2, 4));
  });

  it("shows a job to its buyer with secrets masked, its quote and its steps", async () => {
    const id = await submit();
    const detail = await buyerJobDetail(handle.db, alice.address, id);
    expect(detail.job.status).toBe("quoted");
    expect(detail.job.env).toEqual([
      { name: "EPOCHS", secret: false, value: "3" },
      { name: "HF_TOKEN", secret: true, value: "••••••" },
    ]);
    expect(
      JSON.stringify(detail, (_k, v) => (typeof v === "bigint" ? String(v) : v)),
    ).not.toContain("hf_secret_value");
    expect(detail.quote?.message.jobId).toBe(detail.chainJobId);
    expect(detail.steps.map((s) => s.type)).toEqual(["job.submitted", "job.matched", "job.quoted"]);
    expect(detail.timeline).toBeNull();
    expect(detail.withdrawable).toBe(0n);
  });

  it("answers another buyer, or a job that does not exist, with the same not_found", async () => {
    const id = await submit();
    const refusals = await Promise.allSettled([
      buyerJobDetail(handle.db, bob.address, id),
      buyerJobDetail(handle.db, alice.address, "00000000-0000-4000-8000-000000000000"),
    ]);
    for (const r of refusals) {
      expect(r.status).toBe("rejected");
      const error = (r as PromiseRejectedResult).reason;
      expect(error).toBeInstanceOf(AppError);
      expect(error.code).toBe("not_found");
      expect(error.message).toBe("No such job in your account.");
    }
  });
});
