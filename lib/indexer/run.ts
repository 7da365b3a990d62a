import "server-only";
import { createPublicClient, http, type PublicClient } from "viem";
import type { Db } from "@/db/client";
import { type ProcessLock, processLock } from "@/db/locks";
import { chainConfig, type Env, env } from "@/lib/env";
import { describeError } from "@/lib/log";
import {
  type Backoff,
  backoffMs,
  DEFAULT_BACKOFF,
  formatMs,
  type Pause,
  sleep,
  stopLoop,
} from "@/lib/loop-pause";
import { stakeChanged } from "@/lib/services/placement/rematch";
import { UndecodableLogError } from "./events";
import { Indexer, type IndexerConfig, type IndexerHooks, type TickResult } from "./indexer";
import { ChainMismatchError, InconsistentAnswerError, RpcFailure } from "./rpc-errors";

/** How long a process that does not hold the lock waits before trying again. */
const LOCK_RETRY_MS = 2_000;

/** One line that says what failed; a database error keeps its class and code. */
function failureLine(error: unknown): string {
  if (
    error instanceof RpcFailure ||
    error instanceof InconsistentAnswerError ||
    error instanceof UndecodableLogError
  ) {
    return error.message;
  }
  return describeError(error).split("\n")[0] ?? String(error);
}

/** The indexer's settings from the environment, or why it cannot run. */
export function indexerSettings(
  e: Env = env(),
): { config: IndexerConfig; rpcUrl: string; pollMs: number } | { off: string } {
  const chain = chainConfig(e);
  if (!chain.marketAddress) {
    return {
      off: `no ComputeMarket address is configured for ${chain.key} (NEXT_PUBLIC_MARKET_ADDRESS)`,
    };
  }
  const devnet = chain.key === "devnet";
  if (!devnet && e.INDEXER_START_BLOCK === undefined) {
    return {
      off: `set INDEXER_START_BLOCK to the block ComputeMarket was deployed in on ${chain.key}`,
    };
  }
  return {
    rpcUrl: chain.rpcUrl,
    pollMs: e.INDEXER_POLL_MS,
    config: {
      chainId: chain.chain.id,
      contract: chain.marketAddress,
      startBlock: BigInt(e.INDEXER_START_BLOCK ?? 0),
      confirmations: e.INDEXER_CONFIRMATIONS ?? (devnet ? 0 : 20),
      chunkBlocks: e.INDEXER_CHUNK_BLOCKS,
      mayReset: devnet,
    },
  };
}

export function rpcClient(rpcUrl: string, options: { timeoutMs?: number } = {}): PublicClient {
  // Batched: the block headers of a chunk go in one request. No retries here: the loop retries
  // with backoff and says so.
  return createPublicClient({
    transport: http(rpcUrl, {
      batch: { wait: 0 },
      retryCount: 0,
      timeout: options.timeoutMs ?? 15_000,
    }),
  }) as PublicClient;
}

export type RunningIndexer = {
  /** Stops after the current step (a transaction in flight commits or rolls back whole). */
  stop(): Promise<void>;
  /** Resolves once the index has caught up with the chain's head at least once. */
  caughtUp(): Promise<void>;
  /** Resolves when the loop ends: null when stopped, else why it gave up. */
  ended: Promise<string | null>;
};

/**
 * Runs the indexer until stopped: only while this process holds the lock (so several app
 * servers on one Postgres index once, and another takes over when the holder dies), one step
 * after another, pausing `pollMs` once a step finds nothing new. A failure is logged in one line and retried
 * with a growing pause; a configuration that does not match the chain stops it with the reason.
 */
export function runIndexer(options: {
  db: Db;
  config: IndexerConfig;
  client: PublicClient;
  lock: ProcessLock;
  pollMs: number;
  onTick?: (result: TickResult) => void;
  hooks?: IndexerHooks;
  /** Default: 0.5 s doubling up to 30 s. */
  backoff?: Backoff;
}): RunningIndexer {
  const { db, config, client, lock, pollMs } = options;
  const backoff = options.backoff ?? DEFAULT_BACKOFF;
  const state: Pause = { stopped: false };
  let reachedHead: () => void = () => undefined;
  const caughtUp = new Promise<void>((resolve) => {
    reachedHead = resolve;
  });
  const loop = (async (): Promise<string | null> => {
    let reason: string | null = null;
    let indexer: Indexer | null = null;
    let failures = 0;
    let lastCursor: bigint | undefined;
    let rematchAll = false;
    while (!state.stopped) {
      if (!indexer || lock.lost()) {
        if (indexer) {
          console.warn("indexer: lost the database lock; another process may index now");
          indexer = null;
        }
        if (!(await lock.acquire())) {
          await sleep(LOCK_RETRY_MS, state);
          continue;
        }
        indexer = new Indexer(db, client, config, options.hooks);
        console.info(
          `indexer: indexing ComputeMarket ${config.contract} on chain ${config.chainId} (${config.confirmations} confirmations)`,
        );
        rematchAll = true;
      }
      try {
        const result = await indexer.tick();
        // The re-match after a commit runs outside its transaction: a holder that died between
        // the two left it undone. Each new holder offers every market to its pending jobs once.
        if (rematchAll) {
          await stakeChanged(db, { params: true });
          rematchAll = false;
        }
        options.onTick?.(result);
        if (failures > 0) console.info("indexer: recovered");
        failures = 0;
        if (result.caughtUp) reachedHead();
        // Waits only once a step found nothing new: blocks that came while a step ran are
        // asked for at once, so an event shows in about one step, not one poll, after its block.
        if (result.caughtUp && result.cursor === lastCursor) await sleep(pollMs, state);
        lastCursor = result.cursor;
      } catch (error) {
        if (error instanceof ChainMismatchError) {
          console.error(`indexer: not started: ${error.message}`);
          reason = error.message;
          break;
        }
        failures++;
        const pause = backoffMs(backoff, failures);
        console.warn(
          `indexer: ${failureLine(error)}; retrying in ${formatMs(pause)} (failure ${failures})`,
        );
        await sleep(pause, state);
      }
    }
    await lock.release();
    return reason;
  })();
  return {
    async stop() {
      stopLoop(state);
      await loop;
    },
    caughtUp: () => caughtUp,
    ended: loop,
  };
}

/** The indexer as configured by the environment, or null (with the reason logged). */
export function startIndexerFromEnv(
  db: Db,
  e: Env = env(),
  watch: Pick<Parameters<typeof runIndexer>[0], "onTick" | "hooks"> = {},
): RunningIndexer | null {
  const settings = indexerSettings(e);
  if ("off" in settings) {
    console.warn(`indexer: off: ${settings.off}`);
    return null;
  }
  return runIndexer({
    db,
    config: settings.config,
    client: rpcClient(settings.rpcUrl),
    lock: processLock("gpu-market:indexer", e.DATABASE_URL),
    pollMs: settings.pollMs,
    ...watch,
  });
}
