import { describe, expect, it } from "vitest";
import { alternativesTo } from "./alternatives";
import { explainNoMatch } from "./explain";
import { job, offer } from "./fixtures";

describe("explainNoMatch", () => {
  it("counts failures per dimension and suggests the smallest price raise", () => {
    const offers = [
      offer({ id: "a", askWeiPerGpuHour: 3_000n }),
      offer({ id: "b", askWeiPerGpuHour: 2_500n }),
      offer({ id: "c", gpuModel: "a100-80gb", askWeiPerGpuHour: 1_000n, region: "eu-west" }),
      offer({ id: "d", providerOnline: false }),
    ];
    const e = explainNoMatch(job({ regions: ["us-east"] }), offers);
    expect(e.offersConsidered).toBe(4);
    expect(e.failures).toMatchObject({ price: 2, model: 1, region: 1, offline: 1, capacity: 0 });
    expect(e.suggestions[0]).toEqual({
      changes: [{ kind: "price", maxPricePerGpuHour: 2_500n }],
    });
    expect(e.suggestions[1]).toEqual({
      changes: [
        { kind: "model", gpuModel: "a100-80gb" },
        { kind: "region", region: "eu-west" },
      ],
    });
  });

  const single: [string, Parameters<typeof job>[0], Parameters<typeof offer>[0], unknown][] = [
    ["another model", { gpuModels: ["h200-141gb"] }, {}, { kind: "model", gpuModel: "h100-80gb" }],
    ["less VRAM", { gpuModels: [], minVramGb: 141 }, {}, { kind: "vram", minVramGb: 80 }],
    ["another region", { regions: ["eu-west"] }, {}, { kind: "region", region: "us-east" }],
    ["fewer GPUs", { gpuCount: 6 }, { gpusFree: 4 }, { kind: "gpuCount", gpuCount: 4 }],
    ["shorter job", { maxHours: 100 }, { maxHours: 48 }, { kind: "hours", maxHours: 48 }],
  ];
  it.each(single)("suggests %s", (_name, j, o, change) => {
    expect(explainNoMatch(job(j), [offer(o)]).suggestions).toEqual([{ changes: [change] }]);
  });

  it("suggests nothing a consumer cannot change", () => {
    const e = explainNoMatch(job(), [offer({ providerOnline: false }), offer({ gpusFree: 0 })]);
    expect(e.suggestions).toEqual([]);
    expect(e.failures.offline).toBe(1);
    expect(e.failures.capacity).toBe(1);
  });
});

describe("explainNoMatch and the providers' stake", () => {
  // 3,600 wei per GPU-hour is 1 wei/s per GPU; at 10 % collateral each GPU-hour locks 360 wei.
  const priced = { askWeiPerGpuHour: 3_600n, collateralBps: 1_000 };
  const want = job({ gpuCount: 1, maxHours: 10, maxPricePerGpuHour: 10_000n });

  it("names stake and the longest job the providers with free GPUs can back", () => {
    const offers = [
      // Backs 4 hours (1,440 wei) but not 5; the other backs 2.
      offer({ id: "a", ...priced, freeStakeWei: 1_799n }),
      offer({ id: "b", ...priced, freeStakeWei: 720n }),
      offer({ id: "c", ...priced, gpuModel: "a100-80gb" }),
    ];
    const e = explainNoMatch(want, offers);
    expect(e.stake).toEqual({
      short: 2,
      belowMinimum: 0,
      maxHours: 4,
      sentence:
        "The providers with free GPUs for this job have too little free stake for a job this long: at most 4 hours fit.",
    });
    expect(e.failures.model).toBe(1);
    // One change each; as everywhere, another model counts as no change to the job's size.
    expect(e.suggestions).toEqual([
      { changes: [{ kind: "model", gpuModel: "a100-80gb" }] },
      { changes: [{ kind: "hours", maxHours: 4 }] },
    ]);
  });

  it("says so when not even the shortest job can be backed", () => {
    const e = explainNoMatch(want, [offer({ ...priced, freeStakeWei: 300n })]);
    expect(e.stake.short).toBe(1);
    expect(e.stake.maxHours).toBeNull();
    expect(e.stake.sentence).toBe(
      "The providers with free GPUs for this job have too little free stake to back even its shortest run; it is matched when they stake more or their other jobs end.",
    );
    expect(e.suggestions).toEqual([]);
  });

  it("a shorter job must still be one the offer allows", () => {
    // Backs 2 hours, but the offer sells at least 4.
    const e = explainNoMatch(want, [offer({ ...priced, freeStakeWei: 720n, minHours: 4 })]);
    expect(e.stake.maxHours).toBeNull();
    expect(e.suggestions).toEqual([]);
  });

  it("joins a shorter job to the other changes an offer needs", () => {
    // Over the price cap and short of stake: both changes, the hours for the offer's own rate.
    const e = explainNoMatch(want, [
      offer({ ...priced, askWeiPerGpuHour: 36_000n, freeStakeWei: 3_600n }),
    ]);
    expect(e.stake.sentence).toBeNull();
    expect(e.stake.short).toBe(1);
    expect(e.suggestions).toEqual([
      {
        changes: [
          { kind: "price", maxPricePerGpuHour: 36_000n },
          { kind: "hours", maxHours: 1 },
        ],
      },
    ]);
  });

  it("offers fewer GPUs where that alone lowers the collateral enough", () => {
    // 4 GPUs wanted, 2 free: at 2 GPUs 10 hours lock 7,200 wei, which the provider has.
    const e = explainNoMatch({ ...want, gpuCount: 4 }, [
      offer({ ...priced, gpusFree: 2, freeStakeWei: 7_200n }),
    ]);
    expect(e.stake.short).toBe(1);
    expect(e.suggestions).toEqual([{ changes: [{ kind: "gpuCount", gpuCount: 2 }] }]);
  });

  it("a provider below the minimum stake is named and never suggested", () => {
    const e = explainNoMatch(want, [offer({ ...priced, stakeMeetsMinimum: false })]);
    expect(e.stake).toEqual({
      short: 0,
      belowMinimum: 1,
      maxHours: null,
      sentence:
        "The providers with free GPUs for this job are below the market's minimum stake and take no jobs until they stake more.",
    });
    expect(e.suggestions).toEqual([]);
  });

  it("names both when some providers are short and others below the minimum", () => {
    const e = explainNoMatch(want, [
      offer({ id: "a", ...priced, freeStakeWei: 360n }),
      offer({ id: "b", ...priced, stakeMeetsMinimum: false }),
    ]);
    expect(e.stake.sentence).toBe(
      "The providers with free GPUs for this job have too little free stake for a job this long: at most 1 hour fits. Others are below the market's minimum stake and take no jobs until they stake more.",
    );
  });

  it("says nothing about stake when stake is not why", () => {
    const e = explainNoMatch(want, [offer({ ...priced, askWeiPerGpuHour: 36_000n })]);
    expect(e.stake).toEqual({ short: 0, belowMinimum: 0, maxHours: null, sentence: null });
  });
});

describe("alternativesTo", () => {
  it("says why each other candidate lost", () => {
    const chosen = offer({ id: "win", askWeiPerGpuHour: 100n, createdAt: 0 });
    const candidates = [
      chosen,
      offer({ id: "dearer", askWeiPerGpuHour: 200n }),
      offer({ id: "flaky", askWeiPerGpuHour: 100n, reliabilityBps: 5_000 }),
      offer({ id: "newer", askWeiPerGpuHour: 100n, createdAt: 9 }),
      offer({ id: "full", gpusFree: 0 }),
      offer({ id: "off", providerOnline: false }),
      offer({ id: "over", askWeiPerGpuHour: 5_000n }),
      offer({ id: "locked", askWeiPerGpuHour: 50n }),
      offer({ id: "elsewhere", gpuModel: "t4-16gb" }),
    ];
    const reasons = Object.fromEntries(
      alternativesTo(job(), chosen, candidates, new Set(["locked"]), 20).map((a) => [
        a.offer.id,
        a.reason,
      ]),
    );
    expect(reasons).toEqual({
      locked: "busy",
      dearer: "price",
      flaky: "reliability",
      newer: "age",
      full: "capacity",
      off: "offline",
      over: "price",
    });
  });
});
