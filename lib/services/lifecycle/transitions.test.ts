import { describe, expect, it } from "vitest";
import { jobStatuses } from "@/db/schema/jobs";
import { jobTransitions, sourcesOf } from "./transitions";

describe("job lifecycle", () => {
  it("covers every status and only names known statuses", () => {
    expect(Object.keys(jobTransitions).sort()).toEqual([...jobStatuses].sort());
    for (const targets of Object.values(jobTransitions)) {
      for (const t of targets) expect(jobStatuses).toContain(t);
    }
  });

  it.each([
    ["matched", undefined, ["pending"]],
    ["cancelled", undefined, ["pending", "matched", "quoted"]],
    ["pending", undefined, ["matched", "quoted"]],
    ["expired", undefined, ["funded", "running"]],
    ["funded", undefined, ["quoted"]],
    ["cancelled", ["pending", "funded"], ["pending"]],
  ] as const)("%s is entered from %j -> %j", (to, only, expected) => {
    expect(sourcesOf(to, only)).toEqual(expected);
  });

  it("cannot cancel after funding or leave a final state", () => {
    expect(jobTransitions.funded).not.toContain("cancelled");
    for (const s of ["finalized", "resolved", "cancelled", "expired"] as const) {
      expect(jobTransitions[s]).toEqual([]);
    }
  });
});
