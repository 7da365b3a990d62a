import { describe, expect, it } from "vitest";
import { backoffMs, DEFAULT_BACKOFF, formatMs, type Pause, sleep, stopLoop } from "./loop-pause";

describe("the background loops' pauses", () => {
  it("doubles the pause after each failure in a row, up to the maximum", () => {
    expect([1, 2, 3, 4, 7, 50].map((n) => backoffMs(DEFAULT_BACKOFF, n))).toEqual([
      500, 1_000, 2_000, 4_000, 30_000, 30_000,
    ]);
    expect(formatMs(500)).toBe("500 ms");
    expect(formatMs(1_500)).toBe("1.5 s");
  });

  it("a stopped loop wakes from its pause at once", async () => {
    const state: Pause = { stopped: false };
    let woke = false;
    const pause = sleep(60_000, state).then(() => {
      woke = true;
    });
    await Promise.resolve();
    expect(woke).toBe(false);
    stopLoop(state);
    await pause;
    expect(woke).toBe(true);
    // Once stopped, a pause returns without waiting.
    await sleep(60_000, state);
  });
});
