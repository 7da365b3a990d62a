/** Next.js calls this once per server process at start-up. */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { startBackgroundLoops } = await import("./lib/services/background");
    startBackgroundLoops();
  }
}
