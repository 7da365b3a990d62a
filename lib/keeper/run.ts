import "server-only";
import { formatEther } from "viem";
import type { Db } from "@/db/client";
import { type Env, env } from "@/lib/env";
import { describeError } from "@/lib/log";
import {
  backoffMs,
  DEFAULT_BACKOFF,
  formatMs,
  type Pause,
  sleep,
  stopLoop,
} from "@/lib/loop-pause";
import { Keeper, type RoundResult } from "./keeper";
import { keeperSettings } from "./settings";

/** Pause between rounds when nothing more is due. */
const ROUND_INTERVAL_MS = 2_000;

export type RunningKeeper = {
  /** Stops after the call in flight and gives the lease up. */
  stop(): Promise<void>;
  /** Resolves when the loop ends: null when stopped, else why it gave up. */
  ended: Promise<string | null>;
};

/**
 * Runs keeper rounds until stopped: after checking once that the RPC endpoint serves the
 * configured chain and contract (a mismatch stops it with the reason), a round every
 * `intervalMs`, at once again when a round was full. A failure (database or node unreachable)
 * is logged in one line and retried with a growing pause.
 */
export function runKeeper(options: {
  keeper: Keeper;
  intervalMs?: number;
  onRound?: (result: RoundResult) => void;
}): RunningKeeper {
  const { keeper } = options;
  const intervalMs = options.intervalMs ?? ROUND_INTERVAL_MS;
  const state: Pause = { stopped: false };
  const loop = (async (): Promise<string | null> => {
    let checked = false;
    let failures = 0;
    let reason: string | null = null;
    while (!state.stopped) {
      try {
        if (!checked) {
          const mismatch = await keeper.check();
          if (mismatch) {
            reason = mismatch;
            console.error(`keeper: not started: ${mismatch}`);
            break;
          }
          checked = true;
          const balance = await keeper.balance();
          const line = `keeper: sending from ${keeper.account.address} (balance ${formatEther(balance)} ETH)`;
          if (balance === 0n) console.warn(`${line}: fund it, or every call fails`);
          else console.info(line);
        }
        const result = await keeper.round();
        options.onRound?.(result);
        if (failures > 0) console.info("keeper: recovered");
        failures = 0;
        if (result.due < keeper.batch) await sleep(intervalMs, state);
      } catch (error) {
        failures++;
        const pause = backoffMs(DEFAULT_BACKOFF, failures);
        console.warn(
          `keeper: ${describeError(error).split("\n")[0]}; retrying in ${formatMs(pause)} (failure ${failures})`,
        );
        await sleep(pause, state);
      }
    }
    await keeper.stop().catch(() => undefined);
    return reason;
  })();
  return {
    async stop() {
      stopLoop(state);
      await loop;
    },
    ended: loop,
  };
}

/** The keeper as configured by the environment, or null (with the reason logged in one line). */
export function startKeeperFromEnv(db: Db, e: Env = env()): RunningKeeper | null {
  const settings = keeperSettings(e);
  if ("off" in settings) {
    console.info(`keeper: off: ${settings.off}`);
    return null;
  }
  console.info(
    `keeper: finalize, cancelExpired and settleDispute for ComputeMarket ${settings.contract} on chain ${settings.chain.id}, from ${settings.address} (${settings.keySource})`,
  );
  const keeper = new Keeper({
    db,
    rpcUrl: settings.rpcUrl,
    chain: settings.chain,
    contract: settings.contract,
    privateKey: settings.privateKey,
  });
  return runKeeper({ keeper });
}
