/**
 * UTC calendar arithmetic for the earnings reads: days, weeks (from Monday, ISO 8601) and months
 * as the half-open intervals the statements compare block times with. Pure.
 */

const DAY_MS = 86_400_000;

/** Midnight UTC of the day `d` falls in. */
export function utcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

/** `YYYY-MM-DD` of the UTC day `d` falls in. */
export function dayKey(d: Date): string {
  return utcDay(d).toISOString().slice(0, 10);
}

/** Midnight UTC of a `YYYY-MM-DD` day. */
export function dayFromKey(key: string): Date {
  return new Date(`${key}T00:00:00.000Z`);
}

export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * DAY_MS);
}

/** Whole UTC days from the day of `from` to the day of `to` (0 when the same day). */
export function daysBetween(from: Date, to: Date): number {
  return Math.round((utcDay(to).getTime() - utcDay(from).getTime()) / DAY_MS);
}

/** The UTC week (Monday 00:00 to the next Monday) that `d` falls in. */
export function utcWeek(d: Date): { start: Date; end: Date } {
  const day = utcDay(d);
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  const start = addDays(day, -sinceMonday);
  return { start, end: addDays(start, 7) };
}

/** The UTC calendar month that `d` falls in. */
export function utcMonth(d: Date): { start: Date; end: Date } {
  return {
    start: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1)),
    end: new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1)),
  };
}
