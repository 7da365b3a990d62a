import { DbUnavailable, dbError, InvalidText, TransactionConflict } from "@/db/errors";
import { logError } from "./log";

/** Stable error codes: services throw them, actions and routes map them to results in one place. */
export const errorCodes = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  gone: 410,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof errorCodes;
export type FieldErrors = Record<string, string[]>;

/** An error a user may see: its message is a sentence that says what to do. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function httpStatus(code: ErrorCode): number {
  return errorCodes[code];
}

export type Failure = { ok: false; code: ErrorCode; message: string; fieldErrors?: FieldErrors };

/**
 * Any thrown value as a result a user can read; unexpected errors are logged without parameters
 * or row values (lib/log.ts), never leaked. `context` says what was being done.
 */
export function toFailure(error: unknown, context = "unexpected error"): Failure {
  if (error instanceof AppError) {
    return { ok: false, code: error.code, message: error.message, fieldErrors: error.fieldErrors };
  }
  logError(context, error);
  const known = databaseFailure(error);
  if (known) return known;
  return {
    ok: false,
    code: "internal",
    message: "Something went wrong on our side. Please try again.",
  };
}

/** What a user is told when the database, not their input, stopped the work. */
function databaseFailure(thrown: unknown): Failure | undefined {
  const error = dbError(thrown);
  if (error instanceof TransactionConflict) {
    return {
      ok: false,
      code: "unavailable",
      message: "The market is very busy right now and nothing was changed. Please try again.",
    };
  }
  if (error instanceof DbUnavailable) {
    return {
      ok: false,
      code: "unavailable",
      message:
        "The database is not answering right now and nothing was changed. Try again shortly.",
    };
  }
  if (error instanceof InvalidText) {
    return {
      ok: false,
      code: "bad_request",
      message:
        "Some text holds characters that cannot be stored (such as NUL). Remove them and try again.",
    };
  }
  return undefined;
}
