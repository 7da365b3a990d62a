import { z } from "zod";

/** A UTF-16 surrogate without its pair: no valid UTF-8 encodes it. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text that Postgres can store and a log can show: no NUL (Postgres refuses it in `text`) and no
 * lone UTF-16 surrogate (invalid UTF-8 once encoded). Every text field of every schema is built
 * from `text()`, so such input is a field error, never a failed statement.
 */
export function textProblem(value: string): string | undefined {
  if (value.includes("\u0000")) return "must not contain a NUL character";
  if (LONE_SURROGATE.test(value)) return "must be valid Unicode text";
  return undefined;
}

/** `z.string()` that refuses NUL and invalid UTF-16 with a field error. */
export function text() {
  return z.string().superRefine((value, ctx) => {
    const problem = textProblem(value);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
}
