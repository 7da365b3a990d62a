import { DrizzleQueryError } from "drizzle-orm/errors";

/**
 * The database boundary's errors. `dbError` is the one place that looks inside a driver error
 * (node-postgres, PGlite, or drizzle's wrapper around either); everything above it tests these
 * classes. None of them carries the statement's parameters or the driver's message text, so a
 * logged DbError never shows user input, keys or hashes.
 */

/** Why a guarded statement refused, raised by `market_abort(<reason>)` in SQL. */
export const refusals = {
  /** A submit batch locked an offer it then could not update (should never happen). */
  offer_lost: "an offer locked for the batch could not be updated",
} as const;
export type Refusal = keyof typeof refusals;

export abstract class DbError extends Error {
  /** Whether running the same work again, in a new transaction, may succeed. */
  abstract readonly retryable: boolean;
  constructor(
    message: string,
    /** The SQLSTATE, when the server sent one. */
    readonly sqlState?: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A deadlock or serialization failure: the transaction was rolled back and may be run again. */
export class TransactionConflict extends DbError {
  readonly retryable = true;
}

/** A guard inside one of our statements refused (`market_abort`). */
export class MarketRefused extends DbError {
  readonly retryable = false;
  constructor(readonly reason: Refusal) {
    super(`refused: ${reason}`, "P0001");
  }
}

/** A constraint refused a row (unique, check, foreign key, not null). */
export class ConstraintViolation extends DbError {
  readonly retryable = false;
  constructor(
    sqlState: string,
    readonly constraint: string | undefined,
    readonly table: string | undefined,
  ) {
    super(`constraint ${constraint ?? "?"} on ${table ?? "?"} refused a row`, sqlState);
  }
}

/** Text the database cannot store (NUL, invalid encoding): input validation should stop it first. */
export class InvalidText extends DbError {
  readonly retryable = false;
}

/** The server is unreachable, shutting down, or closed the connection. */
export class DbUnavailable extends DbError {
  readonly retryable = false;
}

/** Anything else the server or driver reported. */
export class DbFailure extends DbError {
  readonly retryable = false;
}

type DriverError = {
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  message?: unknown;
  cause?: unknown;
};

/** The innermost error that carries a SQLSTATE (drizzle wraps the driver's error in `cause`). */
function driverErrorOf(error: unknown): DriverError | undefined {
  for (let e = error as DriverError | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) return e;
    e = e.cause as DriverError | undefined;
  }
  return undefined;
}

const connectionCodes = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND"]);

function isConnectionError(error: unknown): boolean {
  for (let e = error as DriverError | undefined, depth = 0; e && depth < 5; depth++) {
    if (typeof e.code === "string" && connectionCodes.has(e.code)) return true;
    if (e.message === "Connection terminated unexpectedly") return true;
    if (e.message === "Cannot use a pool after calling end on the pool") return true;
    e = e.cause as DriverError | undefined;
  }
  return false;
}

const refusalByMessage = new Map<string, Refusal>(
  Object.entries(refusals).map(([reason, message]) => [message, reason as Refusal]),
);

/**
 * An error thrown by a query as one of the classes above; a DbError comes back as it is, and an
 * error that did not come from the database (an AppError thrown inside a transaction) is undefined.
 */
export function dbError(error: unknown): DbError | undefined {
  if (error instanceof DbError) return error;
  const driver = driverErrorOf(error);
  if (!driver) {
    if (isConnectionError(error)) return new DbUnavailable("the database connection failed");
    if (error instanceof DrizzleQueryError) return new DbFailure("the database call failed");
    return undefined;
  }
  const code = driver.code as string;
  const name = (v: unknown) => (typeof v === "string" ? v : undefined);
  if (code === "40P01" || code === "40001") {
    return new TransactionConflict(
      code === "40P01" ? "deadlock detected" : "serialization failure",
      code,
    );
  }
  if (code === "P0001") {
    const reason = refusalByMessage.get(String(driver.message));
    if (reason) return new MarketRefused(reason);
  }
  if (code.startsWith("23")) {
    return new ConstraintViolation(code, name(driver.constraint), name(driver.table));
  }
  if (code === "22021" || code === "22P05" || code === "54000") {
    return new InvalidText("the database cannot store this text", code);
  }
  if (code.startsWith("08") || code.startsWith("57P")) {
    return new DbUnavailable("the database is unavailable", code);
  }
  return new DbFailure(`the database refused the statement (SQLSTATE ${code})`, code);
}

/** Runs a query or transaction; what the database throws comes out as a DbError, the rest as is. */
export async function classified<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw dbError(error) ?? error;
  }
}
