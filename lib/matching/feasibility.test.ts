import { describe, expect, it } from "vitest";
import {
  chooseOffer,
  compareJobsForRematch,
  failuresOf,
  isFeasible,
  rankFeasible,
  ratePerSecond,
} from "./feasibility";
import { job, offer } from "./fixtures";
import type { FailureKind } from "./types";
import { makeJobs, makeOffers } from "./workload";

describe("failuresOf", () => {
  const cases: [string, Parameters<typeof job>[0], Parameters<typeof offer>[0], FailureKind[]][] = [
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
    for (const j of jobs) {
      for (const o of offers) {
        const fits = failuresOf(j, o).length === 0;
        expect(isFeasible(j, o)).toBe(fits);
        if (fits) feasible++;
      }
    }
    // Both outcomes occur, so the comparison means something.
    expect(feasible).toBeGreaterThan(0);
    expect(feasible).toBeLessThan(300 * 300);
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
