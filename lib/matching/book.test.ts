import { describe, expect, it } from "vitest";
import { bookFrom, candidatesFromBook, planBatch, withHeld } from "./book";
import { chooseOffer } from "./feasibility";
import { job, offer } from "./fixtures";
import type { MatchOffer } from "./types";
import { makeJobs, makeOffers } from "./workload";

const limits = { feasible: 8, perMarket: 4 };
const H100 = "h100-80gb/us-east";

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

  it("does not call a job unplaceable on GPUs another write may already have counted", () => {
    const held = withHeld(bookFrom([offer({ id: "x", gpusFree: 4 })], 12), new Map([["x", 4]]));
    expect(held.uncertain).toEqual(new Set([H100]));
    const plans = planBatch(
      [
        { want: job({ gpuCount: 1 }), markets: [H100] },
        { want: job({ gpuCount: 1, gpuModels: ["a100-80gb"] }), markets: ["a100-80gb/us-east"] },
      ],
      held.book,
      limits,
      held.uncertain,
    );
    expect(plans.map((p) => p.decided)).toEqual([false, true]);
  });
});

describe("withHeld", () => {
  it("takes held GPUs out of the listed offers, never below zero, and leaves others alone", () => {
    const book = bookFrom(
      [offer({ id: "a", gpusFree: 8 }), offer({ id: "b", gpusFree: 2 }), offer({ id: "c" })],
      12,
    );
    const { book: after } = withHeld(
      book,
      new Map([
        ["a", 3],
        ["b", 5],
        ["zzz", 1],
      ]),
    );
    expect(after.markets.get(H100)?.map((o) => [o.id, o.gpusFree])).toEqual([
      ["a", 5],
      ["b", 0],
      ["c", 8],
    ]);
    expect(book.markets.get(H100)?.map((o) => o.gpusFree)).toEqual([8, 2, 8]);
  });
});
