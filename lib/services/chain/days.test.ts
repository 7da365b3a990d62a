import { describe, expect, it } from "vitest";
import { dayFromKey, dayKey, daysBetween, utcDay, utcMonth, utcWeek } from "./days";

const at = (iso: string) => new Date(iso);

describe("UTC calendar for earnings", () => {
  it("puts the last and the first second of a day on their own days", () => {
    expect(dayKey(at("2025-03-09T23:59:59Z"))).toBe("2025-03-09");
    expect(dayKey(at("2025-03-10T00:00:00Z"))).toBe("2025-03-10");
    // A time written with an offset is still bucketed by its UTC day.
    expect(dayKey(at("2025-03-10T01:30:00+02:00"))).toBe("2025-03-09");
    expect(utcDay(at("2025-03-10T17:00:00Z")).toISOString()).toBe("2025-03-10T00:00:00.000Z");
    expect(dayFromKey("2025-03-10").toISOString()).toBe("2025-03-10T00:00:00.000Z");
  });

  it("starts weeks on Monday and months on the 1st, in UTC", () => {
    // 2025-03-09 is a Sunday: its week began on Monday 2025-03-03.
    expect(utcWeek(at("2025-03-09T23:59:59Z")).start.toISOString()).toBe(
      "2025-03-03T00:00:00.000Z",
    );
    expect(utcWeek(at("2025-03-10T00:00:00Z")).start.toISOString()).toBe(
      "2025-03-10T00:00:00.000Z",
    );
    expect(utcWeek(at("2025-03-10T00:00:00Z")).end.toISOString()).toBe("2025-03-17T00:00:00.000Z");
    const december = utcMonth(at("2024-12-31T23:59:59Z"));
    expect(december.start.toISOString()).toBe("2024-12-01T00:00:00.000Z");
    expect(december.end.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    expect(utcMonth(at("2024-02-29T12:00:00Z")).end.toISOString()).toBe("2024-03-01T00:00:00.000Z");
  });

  it("counts whole days between two instants by their UTC days", () => {
    expect(daysBetween(at("2025-03-09T23:59:59Z"), at("2025-03-10T00:00:00Z"))).toBe(1);
    expect(daysBetween(at("2025-03-10T00:00:00Z"), at("2025-03-10T23:59:59Z"))).toBe(0);
    expect(daysBetween(at("2024-01-01T00:00:00Z"), at("2025-01-01T00:00:00Z"))).toBe(366);
  });
});
