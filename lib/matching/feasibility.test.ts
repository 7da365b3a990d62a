import { describe, expect, it } from "vitest";
import {
  chooseOffer,
  collateralCap,
  collateralFor,
  compareJobsForRematch,
  failuresOf,
  isFeasible,
  maxHoursBacked,
  rankFeasible,
  ratePerSecond,
} from "./feasibility";
import { job, offer } from "./fixtures";
import type { Failure } from "./types";
import { makeJobs, makeOffers, prng } from "./workload";

describe("failuresOf", () => {
  // An ask of 3,600 wei per GPU-hour is 1 wei/s per GPU: one GPU for 10 h escrows 36,000 wei and
  // locks 3,600 of it at the fixtures' 10 % collateral.
  const tenHours = { askWeiPerGpuHour: 3_600n, collateralBps: 1_000 };
  const cases: [string, Parameters<typeof job>[0], Parameters<typeof offer>[0], Failure[]][] = [
    ["feasible", {}, {}, []],
    ["wrong model", { gpuModels: ["a100-80gb"] }, {}, ["model"]],
    ["any model by VRAM", { gpuModels: [], minVramGb: 80 }, {}, []],
    ["too little VRAM", { gpuModels: [], minVramGb: 141 }, {}, ["vram"]],
    ["wrong region", { regions: ["eu-west"] }, {}, ["region"]],
    ["allowed region", { regions: ["eu-west", "us-east"] }, {}, []],
    ["ask above max price", { maxPricePerGpuHour: 999n }, {}, ["price"]],
    ["ask equal to max price", { maxPricePerGpuHour: 1_000n }, {}, []],
    ["not enough free GPUs", { gpuCount: 9 }, {}, ["capacity"]],
    ["job longer than offer allows", { maxHours: 100 }, { maxHours: 24 }, ["duration"]],
    ["job shorter than offer minimum", { maxHours: 2 }, { minHours: 4 }, ["duration"]],
    ["provider offline", {}, { providerOnline: false }, ["offline"]],
    [
      "free stake covers the collateral exactly",
      { maxPricePerGpuHour: 3_600n },
      { ...tenHours, freeStakeWei: 3_600n },
      [],
    ],
    [
      "free stake 1 wei short",
      { maxPricePerGpuHour: 3_600n },
      { ...tenHours, freeStakeWei: 3_599n },
      ["stake"],
    ],
    ["unfunded leases took more than the stake", {}, { freeStakeWei: -1n }, ["stake"]],
    ["no collateral asked, no stake free", {}, { collateralBps: 0, freeStakeWei: 0n }, []],
    ["provider below the minimum stake", {}, { stakeMeetsMinimum: false }, ["minStake"]],
    [
      "below the minimum is named, not the collateral too",
      {},
      { stakeMeetsMinimum: false, freeStakeWei: 0n },
      ["minStake"],
    ],
    [
      "stake with the offer's terms",
      { maxPricePerGpuHour: 1n },
      { ...tenHours, freeStakeWei: 0n },
      ["price", "stake"],
    ],
    [
      "several at once",
      { gpuModels: ["a100-40gb"], gpuCount: 16, maxPricePerGpuHour: 1n },
      {},
      ["model", "price", "capacity"],
    ],
  ];
  it.each(cases)("%s", (_name, j, o, expected) => {
    expect(failuresOf(job(j), offer(o))).toEqual(expected);
    expect(isFeasible(job(j), offer(o))).toBe(expected.length === 0);
  });

  it("isFeasible agrees with failuresOf on a generated market", () => {
    const offers = makeOffers(300, 21);
    const jobs = makeJobs(300, 22);
    let feasible = 0;
    // Disagreements collected and compared once: 90,000 expect() calls take seconds.
    const disagree: string[] = [];
    for (const j of jobs) {
      for (const o of offers) {
        const fits = failuresOf(j, o).length === 0;
        if (isFeasible(j, o) !== fits) disagree.push(`${j.id} on ${o.id}`);
        if (fits) feasible++;
      }
    }
    expect(disagree).toEqual([]);
    // Both outcomes occur, so the comparison means something.
    expect(feasible).toBeGreaterThan(0);
    expect(feasible).toBeLessThan(300 * 300);
  });

  it("isFeasible agrees with failuresOf when providers' stake varies", () => {
    const rnd = prng(23);
    const offers = makeOffers(300, 21, { unit: 1_000_000_000n }).map((o) => ({
      ...o,
      freeStakeWei: BigInt(Math.floor(rnd() * 2e18)) - 10n ** 17n,
      stakeMeetsMinimum: rnd() > 0.1,
    }));
    const jobs = makeJobs(300, 22, { unit: 1_000_000_000n });
    const seen = new Map<Failure | "none", number>();
    const disagree: string[] = [];
    for (const j of jobs) {
      for (const o of offers) {
        const failed = failuresOf(j, o);
        if (isFeasible(j, o) !== (failed.length === 0)) disagree.push(`${j.id} on ${o.id}`);
        for (const f of failed.length ? failed : (["none"] as const)) {
          seen.set(f, (seen.get(f) ?? 0) + 1);
        }
      }
    }
    expect(disagree).toEqual([]);
    // Every stake outcome occurs, so the comparison covers them.
    expect(seen.get("stake")).toBeGreaterThan(0);
    expect(seen.get("minStake")).toBeGreaterThan(0);
    expect(seen.get("none")).toBeGreaterThan(0);
  });
});

describe("collateralFor", () => {
  /** The contract's `share(amount, bps)` (stylus-contract/src/state.rs), in bigint. */
  const share = (amount: bigint, bps: bigint) =>
    (amount / 10_000n) * bps + ((amount % 10_000n) * bps) / 10_000n;

  it("is the contract's share of the lease's escrow (rate per second x max seconds)", () => {
    const rnd = prng(5);
    for (let i = 0; i < 2_000; i++) {
      const ask = BigInt(Math.floor(rnd() * 1e9)) * BigInt(1 + Math.floor(rnd() * 1e7));
      const gpuCount = 1 + Math.floor(rnd() * 16);
      const maxHours = 1 + Math.floor(rnd() * 720);
      const bps = Math.floor(rnd() * 10_001);
      const o = offer({ askWeiPerGpuHour: ask, collateralBps: bps });
      const escrow = ratePerSecond(ask, gpuCount) * BigInt(maxHours * 3600);
      expect(collateralFor(job({ gpuCount, maxHours }), o)).toBe(share(escrow, BigInt(bps)));
    }
  });
});

describe("collateralCap", () => {
  it("is the most any offer the job can afford locks, and what the priciest one locks", () => {
    const rnd = prng(7);
    for (let i = 0; i < 1_000; i++) {
      const j = job({
        gpuCount: 1 + Math.floor(rnd() * 16),
        maxHours: 1 + Math.floor(rnd() * 720),
        maxPricePerGpuHour: BigInt(1 + Math.floor(rnd() * 1e12)),
      });
      const bps = Math.floor(rnd() * 10_001);
      const cap = collateralCap(j, bps);
      const ask = BigInt(Math.floor(rnd() * Number(j.maxPricePerGpuHour))) + 1n;
      expect(
        collateralFor(j, offer({ askWeiPerGpuHour: ask, collateralBps: bps })),
      ).toBeLessThanOrEqual(cap);
      const priciest = offer({ askWeiPerGpuHour: j.maxPricePerGpuHour, collateralBps: bps });
      expect(collateralFor(j, priciest)).toBe(cap);
    }
  });
});

describe("maxHoursBacked", () => {
  it("is the longest job whose collateral the free stake covers", () => {
    const rnd = prng(6);
    for (let i = 0; i < 500; i++) {
      const o = offer({
        askWeiPerGpuHour: BigInt(1 + Math.floor(rnd() * 1e9)),
        collateralBps: 1 + Math.floor(rnd() * 10_000),
        freeStakeWei: BigInt(Math.floor(rnd() * 1e12)),
      });
      const j = job({ gpuCount: 1 + Math.floor(rnd() * 8) });
      const hours = maxHoursBacked(j, o);
      const fits = (h: number) => collateralFor({ ...j, maxHours: h }, o) <= o.freeStakeWei;
      if (hours === undefined) {
        expect(fits(1)).toBe(false);
      } else {
        expect(fits(hours)).toBe(true);
        expect(fits(hours + 1)).toBe(false);
      }
    }
  });

  it("is unbounded without collateral and undefined when not even an hour fits", () => {
    expect(maxHoursBacked(job(), offer({ collateralBps: 0, freeStakeWei: 0n }))).toBe(
      Number.POSITIVE_INFINITY,
    );
    const o = offer({ askWeiPerGpuHour: 3_600n, collateralBps: 1_000 });
    expect(maxHoursBacked(job(), { ...o, freeStakeWei: 359n })).toBeUndefined();
    expect(maxHoursBacked(job(), { ...o, freeStakeWei: 360n })).toBe(1);
    expect(maxHoursBacked(job(), { ...o, freeStakeWei: -5n })).toBeUndefined();
  });
});

describe("chooseOffer", () => {
  const cheap = offer({ id: "cheap", askWeiPerGpuHour: 500n, createdAt: 3 });
  const dear = offer({ id: "dear", askWeiPerGpuHour: 1_500n, createdAt: 1 });
  const reliable = offer({
    id: "reliable",
    askWeiPerGpuHour: 500n,
    reliabilityBps: 10_000,
    createdAt: 5,
  });
  const flaky = offer({ id: "flaky", askWeiPerGpuHour: 500n, reliabilityBps: 9_000, createdAt: 0 });
  const older = offer({ id: "older", askWeiPerGpuHour: 500n, createdAt: 1 });
  const full = offer({ id: "full", askWeiPerGpuHour: 1n, gpusFree: 0 });
  const cases: [string, ReturnType<typeof offer>[], string | undefined][] = [
    ["cheapest ask wins", [dear, cheap], "cheap"],
    ["infeasible cheaper offer is skipped", [full, dear], "dear"],
    ["reliability breaks a price tie", [flaky, reliable], "reliable"],
    ["age breaks a reliability tie", [cheap, older], "older"],
    ["nothing feasible", [full], undefined],
    [
      "a cheaper offer whose provider cannot back the job is skipped",
      [offer({ id: "unbacked", askWeiPerGpuHour: 1n, freeStakeWei: -1n }), dear],
      "dear",
    ],
    [
      "a cheaper offer whose provider is below the minimum stake is skipped",
      [offer({ id: "understaked", askWeiPerGpuHour: 1n, stakeMeetsMinimum: false }), dear],
      "dear",
    ],
    ["no offers", [], undefined],
  ];
  it.each(cases)("%s", (_name, offers, expected) => {
    expect(chooseOffer(job(), offers)?.id).toBe(expected);
    expect(rankFeasible(job(), offers)[0]?.id).toBe(expected);
  });
});

describe("compareJobsForRematch", () => {
  it("orders by highest max price, then oldest", () => {
    const jobs = [
      { id: "a", maxPricePerGpuHour: 10n, createdAt: 1 },
      { id: "b", maxPricePerGpuHour: 20n, createdAt: 5 },
      { id: "c", maxPricePerGpuHour: 10n, createdAt: 0 },
    ];
    expect(jobs.sort(compareJobsForRematch).map((j) => j.id)).toEqual(["b", "c", "a"]);
  });
});

describe("ratePerSecond", () => {
  it.each([
    [3600n, 1, 1n],
    [3601n, 1, 2n],
    [1n, 1, 1n],
    [1800n, 2, 1n],
    [10n ** 15n, 8, 2_222_222_222_223n],
  ])("ask %s x %s GPUs rounds up to %s wei/s", (ask, gpus, expected) => {
    const rate = ratePerSecond(ask, gpus);
    expect(rate).toBe(expected);
    expect(rate * 3600n).toBeGreaterThanOrEqual(ask * BigInt(gpus));
  });
});
