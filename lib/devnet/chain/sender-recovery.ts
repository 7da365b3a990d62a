import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { Capability, type TypedTransaction } from "@ethereumjs/tx";
import { bigIntToUnpaddedBytes, SECP256K1_ORDER_DIV_2 } from "@ethereumjs/util";

type Pending = { resolve: (pubKey: Uint8Array) => void; reject: (e: Error) => void };
type Slot = { worker: Worker; pending: Map<number, Pending> };

/**
 * Recovers transaction senders on worker threads. Public key recovery is the most expensive step
 * of accepting a transaction (milliseconds of BigInt arithmetic); on workers it overlaps with the
 * main thread executing earlier transactions. The result goes into the transaction's own sender
 * cache, where ethereumjs looks first. Workers start on first use and never keep the process
 * alive while idle.
 */
export class SenderRecovery {
  private readonly slots: Slot[] = [];
  private nextId = 0;
  private readonly size = Math.max(1, Math.min(2, availableParallelism()));

  private start(): Slot {
    const worker = new Worker(new URL("./recover-worker.mjs", import.meta.url));
    worker.unref();
    const slot: Slot = { worker, pending: new Map() };
    worker.on("message", (m: { id: number; pubKey?: Uint8Array; error?: string }) => {
      const p = slot.pending.get(m.id);
      if (p === undefined) return;
      slot.pending.delete(m.id);
      if (slot.pending.size === 0) worker.unref();
      if (m.pubKey) p.resolve(m.pubKey);
      else p.reject(new Error(m.error ?? "recovery failed"));
    });
    worker.on("error", (e) => {
      for (const p of slot.pending.values()) p.reject(e);
      slot.pending.clear();
      this.slots.splice(this.slots.indexOf(slot), 1);
    });
    this.slots.push(slot);
    return slot;
  }

  /** The least busy worker, starting another while under the pool size. */
  private pick(): Slot {
    let best: Slot | undefined;
    for (const s of this.slots)
      if (best === undefined || s.pending.size < best.pending.size) best = s;
    if (best === undefined || (best.pending.size > 0 && this.slots.length < this.size))
      return this.start();
    return best;
  }

  /** Fill `tx`'s sender cache; rejects for an invalid signature. */
  async recover(tx: TypedTransaction): Promise<void> {
    const cache = (tx as unknown as { cache: { senderPubKey?: Uint8Array } }).cache;
    if (
      cache.senderPubKey !== undefined ||
      tx.v === undefined ||
      tx.r === undefined ||
      tx.s === undefined
    ) {
      return;
    }
    // ethereumjs checks this before recovering; filling the cache would skip its check.
    if (tx.s > SECP256K1_ORDER_DIV_2) throw new Error("invalid signature: high s value");
    const slot = this.pick();
    const id = this.nextId++;
    cache.senderPubKey = await new Promise<Uint8Array>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.ref();
      slot.worker.postMessage({
        id,
        msgHash: tx.getMessageToVerifySignature(),
        v: tx.v,
        r: bigIntToUnpaddedBytes(tx.r as bigint),
        s: bigIntToUnpaddedBytes(tx.s as bigint),
        chainId: tx.supports(Capability.EIP155ReplayProtection) ? tx.common.chainId() : undefined,
      });
    });
  }

  async stop(): Promise<void> {
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }
}
