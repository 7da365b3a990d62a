import { Worker } from "node:worker_threads";
import { Capability, type TypedTransaction } from "@ethereumjs/tx";
import { bigIntToUnpaddedBytes, SECP256K1_ORDER_DIV_2 } from "@ethereumjs/util";

type Pending = { resolve: (pubKey: Uint8Array) => void; reject: (e: Error) => void };

/**
 * Recovers transaction senders on a worker thread. Public key recovery is the single most
 * expensive step of accepting a transaction (milliseconds of BigInt arithmetic); on a worker it
 * overlaps with the main thread executing the previous transaction. The result is stored in the
 * transaction's own sender cache, where ethereumjs looks first.
 */
export class SenderRecovery {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;

  private start(): Worker {
    const worker = new Worker(new URL("./recover-worker.mjs", import.meta.url));
    worker.unref();
    worker.on("message", (m: { id: number; pubKey?: Uint8Array; error?: string }) => {
      const p = this.pending.get(m.id);
      if (p === undefined) return;
      this.pending.delete(m.id);
      if (m.pubKey) p.resolve(m.pubKey);
      else p.reject(new Error(m.error ?? "recovery failed"));
    });
    worker.on("error", (e) => {
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
      this.worker = undefined;
    });
    this.worker = worker;
    return worker;
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
    // ethereumjs checks this before recovering; the cache would skip its check.
    if (tx.s > SECP256K1_ORDER_DIV_2) throw new Error("invalid signature: high s value");
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    const pubKey = await new Promise<Uint8Array>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({
        id,
        msgHash: tx.getMessageToVerifySignature(),
        v: tx.v,
        r: bigIntToUnpaddedBytes(tx.r as bigint),
        s: bigIntToUnpaddedBytes(tx.s as bigint),
        chainId: tx.supports(Capability.EIP155ReplayProtection) ? tx.common.chainId() : undefined,
      });
    }).finally(() => {
      if (this.pending.size === 0) this.worker?.unref();
    });
    cache.senderPubKey = pubKey;
  }

  async stop(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}
