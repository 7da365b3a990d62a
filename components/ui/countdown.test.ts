import { describe, expect, it } from "vitest";
import { countdownText } from "./countdown";

describe("countdownText", () => {
  it("counts down to the second", () => {
    expect(countdownText(299_001)).toBe("5:00");
    expect(countdownText(299_000)).toBe("4:59");
    expect(countdownText(3_723_000)).toBe("1:02:03");
    expect(countdownText(2 * 86_400_000 + 3 * 3_600_000 + 4 * 60_000 + 5_000)).toBe("2 d 03:04:05");
    expect(countdownText(-10)).toBe("0:00");
  });
});
