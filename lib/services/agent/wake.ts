import "server-only";
import type { Db } from "@/db/client";
import { logWarning } from "@/lib/log";

/** The channel the leases trigger (migration 0012) notifies with the provider's id. */
const CHANNEL = "agent_work";

type Listeners = Map<string, Set<() => void>>;
type Wiring = {
  listeners: Listeners;
  ready: Promise<void>;
  /** Postgres: gives the LISTEN connection back to the pool (undefined on PGlite). */
  release?: () => void;
  idleTimer?: NodeJS.Timeout;
};

/** A LISTEN connection nobody waits on goes back to the pool after this long. */
const IDLE_RELEASE_MS = 1_000;

const wirings = new WeakMap<Db, Wiring>();

type PgliteClient = { listen(channel: string, cb: (payload: string) => void): Promise<unknown> };
type PgPool = {
  connect(): Promise<{
    query(text: string): Promise<unknown>;
    on(event: "notification", cb: (msg: { payload?: string }) => void): void;
    on(event: "error", cb: (error: Error) => void): void;
    release(destroy?: boolean): void;
  }>;
};

function deliver(listeners: Listeners, providerId: string | undefined) {
  if (!providerId) return;
  for (const wake of listeners.get(providerId) ?? []) wake();
}

/**
 * LISTENs once per database for lease changes. PGlite delivers notifications in-process; on
 * Postgres one pooled connection is held for LISTEN, and replaced if the server drops it.
 */
function wiringOf(db: Db): Wiring {
  const existing = wirings.get(db);
  if (existing) return existing;
  const listeners: Listeners = new Map();
  const client = (db as unknown as { $client: unknown }).$client;
  const wiring: Wiring = { listeners, ready: Promise.resolve() };
  const listen = async () => {
    if (typeof (client as PgliteClient).listen === "function") {
      await (client as PgliteClient).listen(CHANNEL, (payload) => deliver(listeners, payload));
      return;
    }
    const connection = await (client as PgPool).connect();
    let released = false;
    wiring.release = () => {
      if (released) return;
      released = true;
      if (wirings.get(db) === wiring) wirings.delete(db);
      connection.query(`UNLISTEN ${CHANNEL}`).then(
        () => connection.release(),
        () => connection.release(true),
      );
    };
    connection.on("notification", (msg) => deliver(listeners, msg.payload));
    connection.on("error", (error) => {
      logWarning("agent work: LISTEN connection lost, listening again", error);
      released = true;
      connection.release(true);
      if (wirings.get(db) === wiring) wirings.delete(db);
      // Wake everyone: their next check reads the database and re-wires.
      for (const set of listeners.values()) for (const wake of set) wake();
    });
    await connection.query(`LISTEN ${CHANNEL}`);
  };
  wiring.ready = listen().catch((error) => {
    logWarning("agent work: LISTEN failed; agents are woken by the periodic check", error);
    wirings.delete(db);
  });
  wirings.set(db, wiring);
  return wiring;
}

/**
 * Resolves when the database says this provider's leases changed, after `ms`, or on `signal`.
 * Listening starts before the caller's next read, so no change between read and wait is missed.
 */
export async function listenForProvider(db: Db, providerId: string) {
  const wiring = wiringOf(db);
  await wiring.ready;
  let wake: () => void = () => undefined;
  let woken = false;
  const woke = new Promise<void>((resolve) => {
    wake = () => {
      woken = true;
      resolve();
    };
  });
  let set = wiring.listeners.get(providerId);
  if (!set) {
    set = new Set();
    wiring.listeners.set(providerId, set);
  }
  set.add(wake);
  if (wiring.idleTimer) clearTimeout(wiring.idleTimer);
  wiring.idleTimer = undefined;
  const stop = () => {
    set.delete(wake);
    if (set.size === 0) wiring.listeners.delete(providerId);
    // Postgres: a pool must get its connections back before it can end.
    if (wiring.listeners.size === 0 && wiring.release) {
      wiring.idleTimer = setTimeout(() => wiring.release?.(), IDLE_RELEASE_MS);
    }
  };
  const wait = (ms: number, signal?: AbortSignal) =>
    new Promise<boolean>((resolve) => {
      if (woken || signal?.aborted) return resolve(woken);
      // The signal outlives this wait (a work stream waits many times on its request's signal):
      // its listener goes when the wait ends.
      const done = (value: boolean) => {
        clearTimeout(timer);
        signal?.removeEventListener("abort", aborted);
        resolve(value);
      };
      const aborted = () => done(false);
      const timer = setTimeout(() => done(false), ms);
      signal?.addEventListener("abort", aborted, { once: true });
      woke.then(() => done(true));
    });
  return { wait, stop };
}
