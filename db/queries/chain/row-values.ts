// Row values as both drivers hand them over. Amounts travel as text (numeric(78,0) does not fit
// a float) and come back as bigint; block numbers as text too; times inside JSON as epoch
// seconds, so neither driver's timestamp format nor the session's time zone matters.

export const big = (v: string | number | null | undefined): bigint => BigInt(v ?? 0);
export const bigOrNull = (v: string | null): bigint | null => (v === null ? null : BigInt(v));
/** node-postgres and PGlite both hand timestamptz over as Date; text is accepted as well. */
export const date = (v: Date | string): Date => (v instanceof Date ? v : new Date(v));
export const dateOrNull = (v: Date | string | null): Date | null => (v === null ? null : date(v));
export const fromEpoch = (seconds: string | number): Date => new Date(Number(seconds) * 1000);
