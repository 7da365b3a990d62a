import { describe, expect, it } from "vitest";
import { LaneOutput } from "./lane-output";

function setup() {
  const printed: string[] = [];
  const output = new LaneOutput(["main", "contract"], (text) => printed.push(text));
  return { printed, output };
}

describe("LaneOutput", () => {
  it("streams the first lane and prints another lane's tier whole between two tiers", () => {
    const { printed, output } = setup();
    output.start("main", "[lint]");
    output.start("contract", "[contract]");
    output.write("contract", "c1 ");
    output.write("main", "l1 ");
    output.end("contract", "c-end ");
    expect(printed.join("")).toBe("[lint]l1 ");
    output.end("main", "l-end ");
    expect(printed.join("")).toBe("[lint]l1 l-end [contract]c1 c-end ");
    output.start("main", "[unit]");
    output.end("main", "u-end");
    output.finish("main");
    output.finish("contract");
    expect(printed.join("")).toBe("[lint]l1 l-end [contract]c1 c-end [unit]u-end");
  });

  it("prints a buffered tier at once when the streaming lane is between tiers", () => {
    const { printed, output } = setup();
    output.start("contract", "[contract]");
    output.write("contract", "c1");
    output.end("contract", ".");
    expect(printed.join("")).toBe("[contract]c1.");
  });

  it("hands streaming to a running lane when the streaming lane is done", () => {
    const { printed, output } = setup();
    output.start("main", "[e2e]");
    output.start("contract", "[contract]");
    output.write("contract", "c1 ");
    output.end("main", "e-end ");
    output.finish("main");
    expect(printed.join("")).toBe("[e2e]e-end [contract]c1 ");
    output.write("contract", "c2 ");
    output.end("contract", "c-end");
    output.finish("contract");
    expect(printed.join("")).toBe("[e2e]e-end [contract]c1 c2 c-end");
  });

  it("streams the only lane that has tiers", () => {
    const { printed, output } = setup();
    output.finish("main");
    output.start("contract", "[contract]");
    output.write("contract", "c1");
    expect(printed.join("")).toBe("[contract]c1");
  });

  it("prints what is still buffered on an interrupt", () => {
    const { printed, output } = setup();
    output.start("main", "[db]");
    output.start("contract", "[contract]");
    output.write("contract", "c1");
    output.flushAll();
    expect(printed.join("")).toBe("[db][contract]c1");
  });
});
