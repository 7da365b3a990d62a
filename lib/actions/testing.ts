import type { ActionResult } from "./define-action";

/** An action's data, or the test fails with the action's own message. */
export function unwrap<T>(r: ActionResult<T>): T {
  if (!r.ok) throw new Error(`action failed: ${r.message}`);
  return r.data;
}
