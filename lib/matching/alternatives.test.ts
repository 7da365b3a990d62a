import { describe, expect, it } from "vitest";
import { alternativesTo } from "./alternatives";
import { collateralFor } from "./feasibility";
import { job, offer } from "./fixtures";

describe("alternativesTo, when stake is why", () => {
  const want = job({ gpuCount: 1, maxHours: 10 });
  const chosen = offer({ id: "win", askWeiPerGpuHour: 1_000n, createdAt: 5 });
  // The collateral the job would lock on an offer at `ask`: 1 wei/s for 36,000 s at 10%.
  const need = (ask: bigint) => collateralFor(want, offer({ askWeiPerGpuHour: ask }));

  const reasons = (candidates: ReturnType<typeof offer>[]) =>
    Object.fromEntries(
      alternativesTo(want, chosen, [chosen, ...candidates], new Set(), 20).map((a) => [
        a.offer.id,
        a.reason,
      ]),
    );

  it("says a cheaper offer lost on free stake one wei short of its collateral", () => {
    expect(need(500n)).toBe(3_600n);
    expect(
      reasons([
        offer({ id: "short", askWeiPerGpuHour: 500n, freeStakeWei: 3_599n }),
        offer({ id: "unstaked", askWeiPerGpuHour: 400n, stakeMeetsMinimum: false }),
      ]),
    ).toEqual({ short: "stake", unstaked: "minStake" });
  });

  it("says price or track record, not stake, when more stake would not have won it", () => {
    expect(
      reasons([
        offer({ id: "dearer", askWeiPerGpuHour: 1_500n, freeStakeWei: 0n }),
        offer({ id: "flaky", askWeiPerGpuHour: 1_000n, reliabilityBps: 9_000, freeStakeWei: 0n }),
        offer({ id: "newer", askWeiPerGpuHour: 1_000n, createdAt: 9, stakeMeetsMinimum: false }),
      ]),
    ).toEqual({ dearer: "price", flaky: "reliability", newer: "age" });
  });

  it("leaves out an offer short of stake that also failed on another term", () => {
    expect(
      reasons([
        offer({ id: "full", askWeiPerGpuHour: 500n, freeStakeWei: 0n, gpusFree: 0 }),
        offer({ id: "off", askWeiPerGpuHour: 500n, freeStakeWei: 0n, providerOnline: false }),
        offer({ id: "enough", askWeiPerGpuHour: 1_200n, freeStakeWei: 3_600n }),
      ]),
    ).toEqual({ enough: "price" });
  });
});
