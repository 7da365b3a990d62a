import "server-only";
import type { Address, PublicClient } from "viem";
import type { Db } from "@/db/client";
import { confirmedRecheckLater, confirmedStillDue, reopenCall } from "@/db/queries/chain/keeper";
import { JobStatus } from "@/lib/web3/market-views";
import { statusOnChain } from "./chain-reads";

/**
 * Reopens the calls a reorganisation undid. A call recorded `confirmed` whose job the index
 * still shows due a while later is either ahead of a slow index (its transaction's receipt is
 * there, or the job moved on chain) or undone: its block was replaced and the job is back where
 * the call found it. Only the undone are reopened, to be sent again in this round; the others are
 * looked at again after `recheckMs`. Returns how many were reopened.
 */
export async function reopenUndone(o: {
  db: Db;
  client: PublicClient;
  contract: Address;
  /** Where a reopened call is reported. */
  warn: (line: string) => void;
  /** The chain's time. */
  now: Date;
  limit: number;
  recheckMs: number;
}): Promise<number> {
  let reopened = 0;
  for (const c of await confirmedStillDue(o.db, o.now, o.limit)) {
    if (c.txHash) {
      const receipt = await o.client.getTransactionReceipt({ hash: c.txHash }).catch(() => null);
      if (receipt?.status === "success") {
        await confirmedRecheckLater(o.db, c, o.recheckMs);
        continue;
      }
    }
    const status = await statusOnChain(o.client, o.contract, c.jobId);
    // No answer: asked again at the next sweep. Moved on: the index is behind.
    if (status === null) continue;
    if (status !== JobStatus[c.status]) {
      await confirmedRecheckLater(o.db, c, o.recheckMs);
      continue;
    }
    const note = c.txHash
      ? `tx ${c.txHash} did it, and a reorganisation undid it: the job is ${c.status} on chain again`
      : `it was done on chain by someone else, and a reorganisation undid it: the job is ${c.status} on chain again`;
    if (await reopenCall(o.db, c, note)) {
      o.warn(`keeper: ${c.call} ${c.jobId}: ${note}; sending it again`);
      reopened++;
    }
  }
  return reopened;
}
