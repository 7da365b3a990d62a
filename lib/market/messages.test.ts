import { describe, expect, it } from "vitest";
import type { NoMatchExplanation } from "@/lib/matching/explain";
import { describeNoMatch } from "./messages";

const none = { model: 0, vram: 0, region: 0, price: 0, capacity: 0, duration: 0, offline: 0 };

describe("the no-match message a buyer reads", () => {
  it("counts the offers kept away by stake and says what stake means for the job", () => {
    const e: NoMatchExplanation = {
      offersConsidered: 5,
      failures: { ...none, price: 2 },
      stake: {
        short: 3,
        belowMinimum: 1,
        maxHours: 12,
        sentence: "The providers with free GPUs for this job have too little free stake.",
      },
      suggestions: [{ changes: [{ kind: "hours", maxHours: 12 }] }],
    };
    const view = describeNoMatch(e);
    expect(view.message).toBe(
      "None of 5 offers fits (2 on price, 3 on the provider's free stake, 1 with a provider below the minimum stake). " +
        "The providers with free GPUs for this job have too little free stake. " +
        "To place it now: set max hours to 12.",
    );
    expect(view.stake.maxHours).toBe(12);
  });

  it("leaves stake out when it keeps no offer away", () => {
    const view = describeNoMatch({
      offersConsidered: 2,
      failures: { ...none, capacity: 2 },
      stake: { short: 0, belowMinimum: 0, maxHours: null, sentence: null },
      suggestions: [],
    });
    expect(view.message).toBe(
      "None of 2 offers fits (2 on free GPUs). It stays queued and is matched as soon as capacity appears.",
    );
  });
});
