import "server-only";
import type { Tx } from "@/db/client";
import { followSignersSet } from "@/db/queries/chain/signers";
import { appendEvents } from "@/db/queries/events";

/**
 * A provider that rotates its signer on chain (`setSigner`) is held to the new one here once the
 * event is confirmed: quotes must recover to the signer ComputeMarket checks at funding, so the
 * marketplace's copy (providers.signer_address) follows the chain, inside the indexer's
 * transaction, with an event on the provider's history. Returns how many providers moved.
 */
export async function applySignerEvents(
  tx: Tx,
  contract: string,
  after: bigint,
  upTo: bigint,
): Promise<number> {
  const moved = await followSignersSet(tx, contract, after, upTo);
  await appendEvents(
    tx,
    moved.map((m) => ({
      aggregate: "provider" as const,
      aggregateId: m.providerId,
      type: "provider.signer_set",
      actor: "chain",
      data: { signer: m.signer, txHash: m.txHash },
    })),
  );
  return moved.length;
}
