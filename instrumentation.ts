import type { Instrumentation } from "next";

/** Next.js calls this once per server process at start-up. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, so that nothing logged from here on (Next.js included) prints a secret.
    const { installLogFilter } = await import("./lib/log");
    installLogFilter();
    const { startBackgroundLoops } = await import("./lib/services/background");
    startBackgroundLoops();
  }
}

/**
 * Errors that escape a page, route handler or server action: logged without statement
 * parameters or row values, and without the query string (it may carry anything).
 */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { logError } = await import("./lib/log");
  const path = request.path.split("?")[0];
  logError(`${request.method} ${path} failed (${context.routeType} ${context.routePath})`, error);
};
