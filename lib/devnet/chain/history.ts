import { Account } from "@ethereumjs/util";
import {
  accountKey,
  codeKey,
  type DevnetState,
  type Prior,
  type StateChanges,
  slotKey,
} from "./state";

/** How many blocks back the state can be read: geth keeps the states of the last 128 blocks. */
export const STATE_HISTORY_BLOCKS = 128;

/** Reads of one state: the latest, or the state as a past block left it. */
export type StateReader = {
  account(address: string): Account | undefined;
  code(address: string): Uint8Array;
  /** Unpadded, empty for zero, as `DevnetState.getStorageSync`. */
  storage(address: string, slot: string): Uint8Array;
};

/**
 * What each recent block replaced in the state (see `DevnetState.takeChanges`), so that the state
 * a past block left can be read: a value is the one the first later change replaced, or the
 * current one when nothing changed it since. Spans are kept for the last `keep` blocks, which
 * makes the states of blocks `head - keep` to `head` readable.
 */
export class StateHistory {
  private readonly spans = new Map<number, StateChanges>();

  constructor(readonly keep = STATE_HISTORY_BLOCKS) {}

  /** Keep what block `number` replaced; forget the span that falls out of the window. */
  record(number: number, changes: StateChanges): void {
    this.spans.set(number, changes);
    this.spans.delete(number - this.keep);
  }

  /** Forget the spans of blocks `height` and above (evm_revert removed them). */
  truncate(height: number): void {
    for (const n of this.spans.keys()) if (n >= height) this.spans.delete(n);
  }

  /** Whether the state block `n` left can be rebuilt while `head` is the latest block. */
  covers(n: number, head: number): boolean {
    if (n > head || n < head - this.keep) return false;
    for (let b = n + 1; b <= head; b++) if (!this.spans.has(b)) return false;
    return true;
  }

  /**
   * The values to put back, in order, to turn the latest state into the one block `n` left: the
   * unsealed span, then blocks `head` down to `n + 1` (for a key several spans touched, the
   * oldest one's value is put last and wins).
   */
  *priorsSince(
    n: number,
    head: number,
    unsealed: ReadonlyMap<string, Prior>,
  ): Generator<Prior, void, undefined> {
    yield* unsealed.values();
    for (let b = head; b > n; b--) yield* this.spans.get(b)?.values() ?? [];
  }

  /** The value of `key` as block `n` left it, or undefined when nothing changed it since. */
  priorAt(
    key: string,
    n: number,
    head: number,
    unsealed: ReadonlyMap<string, Prior>,
  ): Prior | undefined {
    for (let b = n + 1; b <= head; b++) {
      const prior = this.spans.get(b)?.get(key);
      if (prior !== undefined) return prior;
    }
    return unsealed.get(key);
  }

  /** Reads of the state block `n` left (the caller checked `covers`). */
  readerAt(state: DevnetState, n: number, head: number): StateReader {
    const unsealed = state.unsealedChanges();
    const at = (key: string) => this.priorAt(key, n, head, unsealed);
    return {
      account(address) {
        const prior = at(accountKey(address));
        if (prior === undefined) return state.getAccountSync(address);
        const acc = prior.value as Account | undefined;
        return acc && new Account(acc.nonce, acc.balance, acc.storageRoot, acc.codeHash);
      },
      code(address) {
        const prior = at(codeKey(address));
        if (prior === undefined) return state.getCodeSync(address);
        return (prior.value as Uint8Array | undefined) ?? new Uint8Array(0);
      },
      storage(address, slot) {
        const prior = at(slotKey(address, slot));
        if (prior === undefined) return state.getStorageSync(address, slot);
        return (prior.value as Uint8Array | undefined) ?? new Uint8Array(0);
      },
    };
  }

  /** The kept spans, oldest first (persistence). */
  entries(): [number, StateChanges][] {
    return [...this.spans].sort(([a], [b]) => a - b);
  }
}

/** Reads of the latest state. */
export function latestReader(state: DevnetState): StateReader {
  return {
    account: (address) => state.getAccountSync(address),
    code: (address) => state.getCodeSync(address),
    storage: (address, slot) => state.getStorageSync(address, slot),
  };
}
