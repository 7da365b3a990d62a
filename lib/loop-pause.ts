/**
 * What the background loops (the chain indexer, the keeper) share: a pause that `stop()` cuts
 * short, and the growing pause after failures in a row.
 */

/** A loop's stop flag, and how to wake it from the pause it is in. */
export type Pause = { stopped: boolean; wake?: () => void };

/** Waits `ms`, or less when the loop is stopped meanwhile (`stopLoop`). */
export function sleep(ms: number, state: Pause): Promise<void> {
  return new Promise<void>((resolve) => {
    if (state.stopped) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      state.wake = undefined;
      resolve();
    }
    state.wake = done;
  });
}

/** Marks the loop stopped and ends the pause it is in. */
export function stopLoop(state: Pause): void {
  state.stopped = true;
  state.wake?.();
}

/** The pause after a failure: `firstMs`, doubled after each failure in a row, up to `maxMs`. */
export type Backoff = { firstMs: number; maxMs: number };
export const DEFAULT_BACKOFF: Backoff = { firstMs: 500, maxMs: 30_000 };

/** The pause after the `failures`-th failure in a row (1 = the first). */
export function backoffMs(backoff: Backoff, failures: number): number {
  return Math.min(backoff.maxMs, backoff.firstMs * 2 ** Math.min(Math.max(failures - 1, 0), 20));
}

/** "250 ms", "1.5 s". */
export const formatMs = (ms: number) => (ms < 1_000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`);
