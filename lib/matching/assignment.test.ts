import { describe, expect, it } from "vitest";
import { maxWeightAssignment } from "./assignment";
import { job, offer } from "./fixtures";
import { matchQuality } from "./quality";

function bruteForce(w: number[][]): number {
  const cols = w[0]?.length ?? 0;
  const best = (i: number, used: Set<number>): number => {
    if (i === w.length) return 0;
    let top = best(i + 1, used);
    for (let j = 0; j < cols; j++) {
      const x = w[i]?.[j] ?? 0;
      if (used.has(j) || x <= 0) continue;
      used.add(j);
      top = Math.max(top, x + best(i + 1, used));
      used.delete(j);
    }
    return top;
  };
  return best(0, new Set());
}

function random(seed: number) {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    return s / 2 ** 31;
  };
}

describe("maxWeightAssignment", () => {
  it.each([
    ["empty", [], 0],
    ["one", [[5]], 5],
    [
      "greedy is wrong here",
      [
        [10, 9],
        [9, 0],
      ],
      18,
    ],
    ["non-square", [[1, 2, 3]], 3],
    ["more rows than columns", [[4], [7], [1]], 7],
    [
      "nothing worth assigning",
      [
        [0, -1],
        [-3, 0],
      ],
      0,
    ],
  ])("%s", (_name, w, total) => {
    const r = maxWeightAssignment(w as number[][]);
    expect(r.total).toBe(total);
    const cols = r.columnOfRow.filter((c) => c >= 0);
    expect(new Set(cols).size).toBe(cols.length);
  });

  it("agrees with brute force on random instances", () => {
    const rnd = random(7);
    for (let t = 0; t < 40; t++) {
      const rows = 1 + Math.floor(rnd() * 6);
      const cols = 1 + Math.floor(rnd() * 6);
      const w = Array.from({ length: rows }, () =>
        Array.from({ length: cols }, () => (rnd() < 0.3 ? 0 : Math.floor(rnd() * 100))),
      );
      expect(maxWeightAssignment(w).total).toBe(bruteForce(w));
    }
  });
});

describe("matchQuality", () => {
  it("scores the engine against the optimum", () => {
    // The flexible job arrives first and takes the cheap H100 the strict job needed.
    const jobs = [
      { ...job({ gpuModels: ["h100-80gb", "a100-80gb"] }), id: "flex", createdAt: 0 },
      { ...job({ gpuModels: ["h100-80gb"] }), id: "strict", createdAt: 1 },
    ];
    const offers = [
      offer({ id: "h100", askWeiPerGpuHour: 1_000n }),
      offer({ id: "a100", gpuModel: "a100-80gb", askWeiPerGpuHour: 1_500n }),
    ];
    const q = matchQuality(jobs, offers);
    expect(q.optimal).toBe(2_000 - 1_500 + 2_000 - 1_000);
    expect(q.engine).toBe(2_000 - 1_000);
    expect(q.pct).toBeCloseTo(66.67, 1);
  });
});
