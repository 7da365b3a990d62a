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
