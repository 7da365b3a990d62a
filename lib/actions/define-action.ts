import "server-only";
import type { z } from "zod";
import { getDb } from "@/db";
import type { Db } from "@/db/client";
import { getSession, type Session } from "@/lib/auth/session";
import { AppError, type Failure, type FieldErrors, toFailure } from "@/lib/errors";

export type ActionResult<T> = { ok: true; data: T } | Failure;

export type ActionContext<Auth extends boolean> = {
  session: Auth extends true ? Session : Session | null;
  db: Db;
};

type Config<S extends z.ZodType, Auth extends boolean> = { input: S; auth: Auth };

export type Action<T> = {
  /** Called from a "use server" module: the session comes from the request cookie. */
  (raw: unknown): Promise<ActionResult<T>>;
  /** The same pipeline with an explicit context (tests, route handlers, jobs). */
  run(raw: unknown, ctx: { session: Session | null; db: Db }): Promise<ActionResult<T>>;
  /** The schema every input is parsed with (tests walk it to reach every field). */
  readonly input: z.ZodType;
};

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length ? issue.path.join(".") : "_form";
    fields[key] = [...(fields[key] ?? []), issue.message];
  }
  return fields;
}

/**
 * Every server action goes through here: session -> zod safeParse -> service -> typed result.
 * The user is always the session's wallet, never anything the client sends.
 */
export function defineAction<S extends z.ZodType, T, Auth extends boolean = true>(
  config: Config<S, Auth>,
  handler: (input: z.infer<S>, ctx: ActionContext<Auth>) => Promise<T>,
): Action<T> {
  const run = async (
    raw: unknown,
    ctx: { session: Session | null; db: Db },
  ): Promise<ActionResult<T>> => {
    try {
      if (config.auth && !ctx.session) {
        throw new AppError("unauthorized", "Sign in with your wallet to do this.");
      }
      const parsed = config.input.safeParse(raw);
      if (!parsed.success) {
        throw new AppError(
          "bad_request",
          "Some fields are invalid; fix them and try again.",
          fieldErrorsOf(parsed.error),
        );
      }
      const data = await handler(parsed.data, ctx as ActionContext<Auth>);
      return { ok: true, data };
    } catch (error) {
      return toFailure(error, "server action failed");
    }
  };
  const action = (async (raw: unknown) => {
    let ctx: { session: Session | null; db: Db };
    try {
      ctx = { session: await getSession(), db: await getDb() };
    } catch (error) {
      return toFailure(error, "server action: session or database unavailable");
    }
    return run(raw, ctx);
  }) as Action<T>;
  action.run = run;
  Object.defineProperty(action, "input", { value: config.input, enumerable: true });
  return action;
}
