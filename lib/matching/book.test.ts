import { describe, expect, it } from "vitest";
import { type BatchPlan, bookFrom, candidatesFromBook, planBatch } from "./book";
import { chooseOffer } from "./feasibility";
import { job, offer } from "./fixtures";
import type { MatchOffer } from "./types";
import { makeJobs, makeOffers } from "./workload";

const limits = { feasible: 8, perMarket: 4 };
const H100 = "h100-80gb/us-east";
const A100 = "a100-80gb/us-east";

/** A market's listing as the book read returns it: cheapest then oldest. */
function listing(asks: number[], over: Partial<MatchOffer> = {}): MatchOffer[] {
  return asks.map((ask, i) =>
    offer({ id: `o${i}`, askWeiPerGpuHour: BigInt(ask), createdAt: i, ...over }),
  );
}

describe("candidatesFromBook", () => {
  const cases: [string, MatchOffer[], number, Parameters<typeof job>[0], string[] | undefined][] = [
    ["complete market: the cheapest fits", listing([100, 200, 300]), 12, {}, ["o0", "o1", "o2"]],
    [
      "complete market: nothing fits on price",
      listing([100, 200]),
      12,
      { maxPricePerGpuHour: 50n },
      ["o0"],
    ],
    ["cut market: four fits found", listing([1, 2, 3, 4, 5]), 5, {}, ["o0", "o1", "o2", "o3"]],
    [
      "cut market: the rest is over the cap",
      listing([1, 2, 3]),
      3,
      { maxPricePerGpuHour: 2n, gpuCount: 9 },
      ["o0"],
    ],
    // No listed offer allows 800 hours; one below the cut (ask 3 or more) might.
    [
      "cut market: undecidable",
      listing([1, 3, 3], { gpusFree: 4 }),
      3,
      { gpuCount: 2, maxHours: 800 },
      undefined,
    ],
    [
      "cut market: a fit is found and the cut is dearer",
      [...listing([1]), ...listing([5, 6]).map((o, i) => ({ ...o, id: `d${i}` }))],
      3,
      {},
      ["o0", "d0", "d1"],
    ],
  ];
  it.each(cases)("%s", (_name, offers, depth, over, expected) => {
    const book = bookFrom(offers, depth);
    const got = candidatesFromBook(job(over), [H100], book, limits);
    expect(got?.map((o) => o.id)).toEqual(expected);
  });

  it("skips offers with no GPUs left and reports the cheapest live near miss", () => {
    const offers = [
      offer({ id: "empty", askWeiPerGpuHour: 1n, gpusFree: 0 }),
      offer({ id: "offline", askWeiPerGpuHour: 2n, providerOnline: false }),
      offer({ id: "ok", askWeiPerGpuHour: 3n }),
    ];
    const got = candidatesFromBook(job(), [H100], bookFrom(offers, 12), limits);
    expect(got?.map((o) => o.id)).toEqual(["ok", "offline"]);
  });
});

describe("planBatch", () => {
  it("places jobs in order, each seeing the GPUs the ones before it took", () => {
    const offers = [
      offer({ id: "cheap", askWeiPerGpuHour: 100n, gpusFree: 4 }),
      offer({ id: "dear", askWeiPerGpuHour: 200n, gpusFree: 4, createdAt: 1 }),
    ];
    const jobs = [3, 2, 2, 1].map((gpuCount) => ({ want: job({ gpuCount }), markets: [H100] }));
    const plans = planBatch(jobs, bookFrom(offers, 12), limits);
    expect(plans.map((p) => (p.decided ? (p.offer?.id ?? "none") : "undecided"))).toEqual([
      "cheap",
      "dear",
      "dear",
      "cheap",
    ]);
    expect(offers.map((o) => o.gpusFree)).toEqual([4, 4]); // the book itself is untouched
  });

  it("chooses exactly what one-by-one placement on the full market would", () => {
    const offers = makeOffers(400, 11);
    const jobs = makeJobs(300, 12);
    const markets = [...new Set(offers.map((o) => o.market))];
    const sorted = [...offers].sort((a, b) =>
      a.askWeiPerGpuHour === b.askWeiPerGpuHour
        ? a.createdAt - b.createdAt
        : a.askWeiPerGpuHour < b.askWeiPerGpuHour
          ? -1
          : 1,
    );
    const plans = planBatch(
      jobs.map((j) => ({ want: j, markets })),
      bookFrom(sorted, 10_000),
      { feasible: 10_000, perMarket: 10_000 },
    );
    const free = new Map(offers.map((o) => [o.id, o.gpusFree]));
    jobs.forEach((j, i) => {
      const live = offers.map((o) => ({ ...o, gpusFree: free.get(o.id) ?? 0 }));
      const expected = chooseOffer(j, live);
      const plan = plans[i];
      expect(plan?.decided && plan.offer?.id).toBe(expected?.id);
      if (expected) free.set(expected.id, (free.get(expected.id) ?? 0) - j.gpuCount);
    });
  });

  it("leaves a job undecided when the book was cut above what it could use", () => {
    const plans = planBatch(
      [{ want: job({ gpuCount: 9 }), markets: [H100] }],
      bookFrom(listing([1, 2]), 2),
      limits,
    );
    expect(plans[0]?.decided).toBe(false);
  });

  it("leaves a job undecided (a read would decide) on a market the book does not know", () => {
    const book = bookFrom([offer({ market: A100, gpuModel: "a100-80gb" })], 12);
    book.unknown = new Set([H100]);
    const plans = planBatch(
      [
        { want: job({ gpuCount: 1 }), markets: [H100] },
        { want: job({ gpuCount: 1, gpuModels: ["a100-80gb"] }), markets: [A100] },
      ],
      book,
      limits,
    );
    expect(plans.map((p) => (p.decided ? p.offer?.market : p.stale))).toEqual([true, A100]);
  });
});

describe("planBatch with writes in flight", () => {
  const cheap = offer({ id: "cheap", askWeiPerGpuHour: 100n, gpusFree: 4 });
  const dear = offer({ id: "dear", askWeiPerGpuHour: 200n, gpusFree: 4, createdAt: 1 });
  const outcome = (p: BatchPlan | undefined) =>
    p?.decided ? (p.offer?.id ?? "none") : p?.wait ? "wait" : "undecided";

  it("skips an offer a write in flight holds, as SKIP LOCKED would, and names it busy", () => {
    const plans = planBatch(
      [{ want: job({ gpuCount: 2 }), markets: [H100] }],
      bookFrom([cheap, dear], 12),
      limits,
      {
        busy: new Map([["cheap", 1]]),
      },
    );
    expect(outcome(plans[0])).toBe("dear");
    expect(plans[0]?.decided && [...plans[0].skipped]).toEqual(["cheap"]);
  });

  it("counts what the writes in flight take: a held offer left too small lost on capacity", () => {
    const plans = planBatch(
      [{ want: job({ gpuCount: 2 }), markets: [H100] }],
      bookFrom([cheap, dear], 12),
      limits,
      {
        busy: new Map([["cheap", 3]]),
      },
    );
    const plan = plans[0];
    expect(outcome(plan)).toBe("dear");
    expect(plan?.decided && plan.skipped.size).toBe(0);
    expect(plan?.decided && plan.candidates.find((o) => o.id === "cheap")?.gpusFree).toBe(1);
  });

  it("waits when only held offers could take a job, and later jobs of its markets wait behind it", () => {
    const a100 = offer({ id: "a100", market: A100, gpuModel: "a100-80gb" });
    const plans = planBatch(
      [
        { want: job({ gpuCount: 4 }), markets: [H100] },
        { want: job({ gpuCount: 1, gpuModels: ["a100-80gb"] }), markets: [A100] },
        { want: job({ gpuCount: 1 }), markets: [H100] },
      ],
      bookFrom([cheap, { ...dear, gpusFree: 1 }, a100], 12),
      limits,
      { busy: new Map([["cheap", 4]]) },
    );
    // The third job would fit the dear offer, but the first job (older) waits in that market.
    expect(plans.map(outcome)).toEqual(["wait", "a100", "wait"]);
  });

  it("waits behind jobs of earlier batches waiting in the same markets", () => {
    const plans = planBatch(
      [{ want: job({ gpuCount: 1 }), markets: [H100] }],
      bookFrom([cheap], 12),
      limits,
      {
        waiting: new Set([H100]),
      },
    );
    expect(outcome(plans[0])).toBe("wait");
  });

  it("does not wait for a held offer too small for the job even before its write", () => {
    const plans = planBatch(
      [{ want: job({ gpuCount: 8 }), markets: [H100] }],
      bookFrom([cheap], 12),
      limits,
      {
        busy: new Map([["cheap", 2]]),
      },
    );
    expect(outcome(plans[0])).toBe("none");
  });
});
