import { type AbiEvent, parseAbiItem } from "viem";
import { describe, expect, it } from "vitest";
import { eventDeclarations } from "@/scripts/contract/abi";
import { computeMarketAbi } from "./compute-market-abi";

const signature = (event: AbiEvent) =>
  `${event.name}(${event.inputs.map((p) => `${p.type}${p.indexed ? " indexed" : ""} ${p.name}`).join(", ")})`;

describe("generated ComputeMarket ABI", () => {
  const declared = eventDeclarations().map((d) => parseAbiItem(d.replace(/;$/, "")) as AbiEvent);
  const events = computeMarketAbi.filter((item) => item.type === "event") as readonly AbiEvent[];

  it("carries every event the contract declares, with the same indexed topics and names", () => {
    expect(declared.length).toBeGreaterThanOrEqual(15);
    expect(events.map(signature).sort()).toEqual(declared.map(signature).sort());
  });

  it("indexes the job id and the parties the indexer filters on", () => {
    const funded = events.find((e) => e.name === "JobFunded");
    expect(funded?.inputs.filter((p) => p.indexed).map((p) => p.name)).toEqual([
      "jobId",
      "consumer",
      "provider",
    ]);
    const names = events.map((e) => e.name);
    for (const name of ["Staked", "ResultSubmitted", "JobFinalized", "JobExpired", "Withdrawn"]) {
      expect(names).toContain(name);
    }
  });
});
