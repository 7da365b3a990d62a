import "server-only";
import { sql } from "drizzle-orm";
import { type Executor, queryRows } from "@/db/client";

/**
 * The providers whose signer a confirmed `SignerSet` (blocks after `after`, up to `upTo`) moved
 * away from the one the marketplace holds: the newest such event per provider, and the provider's
 * row moved to it. Returns the moves, so the caller can record them.
 */
export async function followSignersSet(
  tx: Executor,
  contract: string,
  after: bigint,
  upTo: bigint,
): Promise<{ providerId: string; signer: string; txHash: string }[]> {
  return queryRows(
    tx,
    sql`with latest as (
          select distinct on (lower(e.args->>'provider'))
                 lower(e.args->>'provider') as provider, lower(e.args->>'signer') as signer,
                 e.tx_hash
          from chain_events e
          where e.contract = ${contract} and e.name = 'SignerSet'
            and e.block_number > ${after.toString()}::bigint
            and e.block_number <= ${upTo.toString()}::bigint
          order by lower(e.args->>'provider'), e.block_number desc, e.log_index desc)
        update providers p set signer_address = l.signer, updated_at = now()
        from latest l
        where p.address = l.provider and p.signer_address <> l.signer
        returning p.id as "providerId", l.signer as signer, l.tx_hash as "txHash"`,
  );
}
