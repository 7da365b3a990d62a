import "server-only";
import { and, eq, ne, sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";
import { providers } from "@/db/schema";

/**
 * The providers whose signer a confirmed `SignerSet` (blocks after `after`, up to `upTo`) moved
 * away from the one the marketplace holds: the newest such event per provider, and the provider's
 * row moved to it (its signer only: nothing the matching reads). Returns the moves, so the caller
 * can record them.
 */
export async function followSignersSet(
  tx: Executor,
  contract: string,
  after: bigint,
  upTo: bigint,
): Promise<{ providerId: string; signer: string; txHash: string }[]> {
  const latest = await queryRows<{ provider: string; signer: string; txHash: string }>(
    tx,
    sql`select distinct on (lower(e.args->>'provider'))
               lower(e.args->>'provider') as provider, lower(e.args->>'signer') as signer,
               e.tx_hash as "txHash"
        from chain_events e
        where e.contract = ${contract} and e.name = 'SignerSet'
          and e.block_number > ${after.toString()}::bigint
          and e.block_number <= ${upTo.toString()}::bigint
        order by lower(e.args->>'provider'), e.block_number desc, e.log_index desc`,
  );
  const moved: { providerId: string; signer: string; txHash: string }[] = [];
  for (const l of latest) {
    const [row] = await tx
      .update(providers)
      .set({ signerAddress: l.signer, updatedAt: new Date() })
      .where(and(eq(providers.address, l.provider), ne(providers.signerAddress, l.signer)))
      .returning({ id: providers.id });
    if (row) moved.push({ providerId: row.id, signer: l.signer, txHash: l.txHash });
  }
  return moved;
}
