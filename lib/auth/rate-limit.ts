import "server-only";
import type { Executor } from "@/db";
import { countRequest } from "@/db/queries/rate-limits";
import { AppError } from "@/lib/errors";

/** A limit: at most `limit` requests per `windowSeconds` for each key. */
export type RateLimit = { name: string; limit: number; windowSeconds: number };

/** Refused for going over a rate limit (429); `retryAfterSeconds` goes out as Retry-After. */
export class RateLimited extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("rate_limited", message);
    this.name = "RateLimited";
  }
}

function seconds(n: number): string {
  return n === 1 ? "1 second" : `${n} seconds`;
}

/**
 * Counts a request by `subject` (a client or a key) against `policy`, in fixed windows shared by
 * every server through the database, and throws RateLimited once the window's count is over the
 * limit. Fixed windows can let up to twice the limit through around a window's edge; that is
 * enough to stop guessing and flooding, and costs one upsert.
 */
export async function enforceRateLimit(
  db: Executor,
  policy: RateLimit,
  subject: string,
  now: Date,
  what: string,
): Promise<void> {
  const windowMs = policy.windowSeconds * 1000;
  const start = Math.floor(now.getTime() / windowMs) * windowMs;
  const end = start + windowMs;
  const count = await countRequest(db, `${policy.name}:${subject}`, new Date(start), new Date(end));
  if (count > policy.limit) {
    const retryAfter = Math.max(1, Math.ceil((end - now.getTime()) / 1000));
    throw new RateLimited(
      `Too many ${what} from here: at most ${policy.limit} every ${seconds(policy.windowSeconds)}. Try again in ${seconds(retryAfter)}.`,
      retryAfter,
    );
  }
}
