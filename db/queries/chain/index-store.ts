import "server-only";
import { and, eq, getTableColumns, getTableName, gt, lt, lte, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { Executor, Tx } from "@/db/client";
import {
  chainAccounts,
  chainBalanceMoves,
  chainBlocks,
  chainCursor,
  chainEvents,
  chainJobs,
  chainMarket,
  chainProviders,
  chainUndo,
} from "@/db/schema/chain";
import type { MarketEvent } from "@/lib/indexer/events";
import type {
  AccountState,
  BalanceMove,
  JobState,
  MarketState,
  ProviderState,
  TableName,
  UndoEntry,
} from "@/lib/indexer/fold";
import { emptyMarket } from "@/lib/indexer/fold";
import { pgArray, textArray } from "../util";

/**
 * The indexer's reads and writes (lib/indexer): rows travel as JSON records keyed by column
 * name and key lists as one array, so each statement has a few parameters whatever the chunk's
 * size (a statement takes at most 65,535, and a chunk of 5,000 blocks may settle more jobs than
 * a row-per-parameter insert could hold).
 */

const tables = {
  chain_market: chainMarket,
  chain_jobs: chainJobs,
  chain_providers: chainProviders,
  chain_accounts: chainAccounts,
} as const satisfies Record<TableName, PgTable>;

const keyColumn: Record<TableName, string> = {
  chain_market: "contract",
  chain_jobs: "job_id",
  chain_providers: "address",
  chain_accounts: "address",
};

/** A row as JSON keyed by column name: bigint as a decimal string, dates as ISO text. */
function rowJson(table: PgTable, row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const v = row[key];
    out[column.name] =
      typeof v === "bigint" ? v.toString() : v instanceof Date ? v.toISOString() : (v ?? null);
  }
  return out;
}

function marketJson(m: MarketState): Record<string, string | number | boolean> {
  return Object.fromEntries(
    Object.entries(m).map(([k, v]) => [k, typeof v === "bigint" ? v.toString() : v]),
  );
}

function marketFrom(json: Record<string, string | number | boolean>): MarketState {
  const m = emptyMarket();
  const out: Record<string, unknown> = { ...m };
  for (const [k, v] of Object.entries(json)) {
    out[k] = typeof m[k as keyof MarketState] === "bigint" ? BigInt(v as string) : v;
  }
  return out as MarketState;
}

/** Upserts rows, given as JSON keyed by column name, in one statement. */
async function upsertJson(tx: Executor, name: TableName, rows: readonly unknown[]) {
  if (rows.length === 0) return;
  const columns = Object.values(getTableColumns(tables[name]))
    .map((c) => `"${c.name}"`)
    .join(", ");
  const updates = Object.values(getTableColumns(tables[name]))
    .map((c) => `"${c.name}" = excluded."${c.name}"`)
    .join(", ");
  await tx.execute(
    sql`insert into ${sql.raw(name)} (${sql.raw(columns)})
        select ${sql.raw(columns)}
        from jsonb_populate_recordset(null::${sql.raw(name)}, ${JSON.stringify(rows)}::jsonb)
        on conflict (${sql.raw(`"${keyColumn[name]}"`)}) do update set ${sql.raw(updates)}`,
  );
}

async function upsert(tx: Executor, name: TableName, rows: readonly object[]) {
  const table = tables[name];
  await upsertJson(
    tx,
    name,
    rows.map((r) => rowJson(table, r as Record<string, unknown>)),
  );
}

export type Cursor = typeof chainCursor.$inferSelect;

export async function readCursor(tx: Executor, contract: string): Promise<Cursor | undefined> {
  const [row] = await tx.select().from(chainCursor).where(eq(chainCursor.contract, contract));
  return row;
}

export async function writeCursor(tx: Executor, cursor: Omit<Cursor, "updatedAt">) {
  await tx
    .insert(chainCursor)
    .values({ ...cursor, updatedAt: new Date() })
    .onConflictDoUpdate({
      target: chainCursor.contract,
      set: {
        chainId: cursor.chainId,
        genesisHash: cursor.genesisHash,
        blockNumber: cursor.blockNumber,
        blockHash: cursor.blockHash,
        confirmedNumber: cursor.confirmedNumber,
        updatedAt: new Date(),
      },
    });
}

/**
 * Stores events not stored before (by block hash and log index) and returns those that were
 * new, in the order given: only they are folded, so a chunk written twice counts once. Usually
 * all are new (the cursor commits with them); the insert then reports its count alone, and only
 * when some were stored before does it run again, returning the keys it stored.
 */
export async function insertEvents(
  tx: Tx,
  contract: string,
  events: readonly MarketEvent[],
): Promise<MarketEvent[]> {
  if (events.length === 0) return [];
  const records = JSON.stringify(
    events.map((e) => ({
      contract,
      block_number: e.blockNumber.toString(),
      block_hash: e.blockHash,
      log_index: e.logIndex,
      tx_hash: e.txHash,
      block_time: e.blockTime.toISOString(),
      name: e.name,
      args: e.args,
      job_id: typeof e.args.jobId === "string" ? e.args.jobId : null,
    })),
  );
  const insert = sql`
    insert into chain_events (contract, block_number, block_hash, log_index, tx_hash, block_time,
                              name, args, job_id)
    select contract, block_number, block_hash, log_index, tx_hash, block_time, name, args, job_id
    from jsonb_to_recordset(${records}::jsonb) as x(
      contract text, block_number bigint, block_hash text, log_index int, tx_hash text,
      block_time timestamptz, name text, args jsonb, job_id text)
    on conflict do nothing`;
  const allNew = await tx
    .transaction(async (sp) => {
      const result = (await sp.execute(insert)) as unknown as {
        rowCount?: number | null; // node-postgres
        affectedRows?: number; // PGlite
      };
      if ((result.rowCount ?? result.affectedRows) !== events.length) throw new SomeStored();
      return true;
    })
    .catch((error: unknown) => {
      if (error instanceof SomeStored) return false;
      throw error;
    });
  if (allNew) return [...events];
  const result = (await tx.execute(sql`${insert} returning block_hash, log_index`)) as unknown as {
    rows: { block_hash: string; log_index: number }[];
  };
  const stored = new Set(result.rows.map((r) => `${r.block_hash}:${r.log_index}`));
  return events.filter((e) => stored.has(`${e.blockHash}:${e.logIndex}`));
}

/** Rolls the savepoint back: some of the chunk's events were stored before. */
class SomeStored extends Error {}

/** The rows a chunk touches. */
export async function loadMarket(tx: Executor, contract: string): Promise<MarketState> {
  const [row] = await tx.select().from(chainMarket).where(eq(chainMarket.contract, contract));
  return row ? marketFrom(row.state) : emptyMarket();
}

export async function loadJobs(
  tx: Executor,
  ids: Iterable<string>,
): Promise<Map<string, JobState>> {
  const list = [...ids];
  if (list.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(chainJobs)
    .where(sql`${chainJobs.jobId} = any(${textArray(list)})`);
  return new Map(rows.map((r) => [r.jobId, r]));
}

export async function loadProviders(
  tx: Executor,
  addresses: Iterable<string>,
): Promise<Map<string, ProviderState>> {
  const list = [...addresses];
  if (list.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(chainProviders)
    .where(sql`${chainProviders.address} = any(${textArray(list)})`);
  return new Map(rows.map((r) => [r.address, r]));
}

export async function loadAccounts(
  tx: Executor,
  addresses: Iterable<string>,
): Promise<Map<string, AccountState>> {
  const list = [...addresses];
  if (list.length === 0) return new Map();
  const rows = await tx
    .select()
    .from(chainAccounts)
    .where(sql`${chainAccounts.address} = any(${textArray(list)})`);
  return new Map(rows.map((r) => [r.address, r]));
}

function marketRow(contract: string, m: MarketState, block: bigint) {
  return { contract, state: marketJson(m), updatedBlock: block };
}

/** Writes what a fold changed: rows, balance moves, undo entries. */
export async function writeFold(
  tx: Executor,
  contract: string,
  block: bigint,
  state: {
    market?: MarketState;
    jobs: JobState[];
    providers: ProviderState[];
    accounts: AccountState[];
  },
  moves: readonly BalanceMove[],
  undo: readonly UndoEntry[],
) {
  if (state.market) await upsert(tx, "chain_market", [marketRow(contract, state.market, block)]);
  await upsert(tx, "chain_jobs", state.jobs);
  await upsert(tx, "chain_providers", state.providers);
  await upsert(tx, "chain_accounts", state.accounts);
  await insertJson(
    tx,
    chainBalanceMoves,
    moves.map((m) => rowJson(chainBalanceMoves, m)),
  );
  await insertJson(
    tx,
    chainUndo,
    undo.map((u) => ({
      block_number: u.blockNumber.toString(),
      table_name: u.tableName,
      key: u.key,
      before:
        u.before === null
          ? null
          : u.tableName === "chain_market"
            ? rowJson(chainMarket, marketRow(contract, u.before as MarketState, u.blockNumber))
            : rowJson(tables[u.tableName], u.before as Record<string, unknown>),
    })),
  );
}

/** Inserts rows, given as JSON keyed by column name, in one statement; rows stored already are skipped. */
async function insertJson(tx: Executor, table: PgTable, rows: readonly unknown[]) {
  if (rows.length === 0) return;
  const name = getTableName(table);
  const columns = Object.values(getTableColumns(table))
    .map((c) => `"${c.name}"`)
    .join(", ");
  await tx.execute(
    sql`insert into ${sql.raw(name)} (${sql.raw(columns)})
        select ${sql.raw(columns)}
        from jsonb_populate_recordset(null::${sql.raw(name)}, ${JSON.stringify(rows)}::jsonb)
        on conflict do nothing`,
  );
}

/** Blocks inside the confirmation depth, kept to tell a replaced block. */
export async function rememberBlocks(
  tx: Executor,
  contract: string,
  blocks: readonly { number: bigint; hash: string; timestamp: Date }[],
) {
  if (blocks.length === 0) return;
  const rows = blocks.map((b) => ({
    contract,
    number: b.number.toString(),
    hash: b.hash,
    timestamp: b.timestamp.toISOString(),
  }));
  await tx.execute(
    sql`insert into chain_blocks (contract, number, hash, timestamp)
        select contract, number, hash, timestamp
        from jsonb_populate_recordset(null::chain_blocks, ${JSON.stringify(rows)}::jsonb)
        on conflict (contract, number) do update
          set hash = excluded.hash, timestamp = excluded.timestamp`,
  );
}

/** The remembered blocks, newest first. */
export async function rememberedBlocks(tx: Executor, contract: string) {
  return tx
    .select()
    .from(chainBlocks)
    .where(eq(chainBlocks.contract, contract))
    .orderBy(sql`${chainBlocks.number} desc`);
}

/**
 * Undoes every block after `block`: the events and balance moves logged in them are deleted and
 * each row they changed is put back as it was (from the undo entries).
 */
export async function rollbackAfter(tx: Executor, contract: string, block: bigint) {
  const entries = await tx
    .select()
    .from(chainUndo)
    .where(gt(chainUndo.blockNumber, block))
    .orderBy(chainUndo.blockNumber);
  const first = new Map<string, (typeof entries)[number]>();
  for (const e of entries) {
    const id = `${e.tableName}|${e.key}`;
    if (!first.has(id)) first.set(id, e);
  }
  for (const name of Object.keys(tables) as TableName[]) {
    const restore = [...first.values()].filter((e) => e.tableName === name);
    const gone = restore.filter((e) => e.before === null).map((e) => e.key);
    if (gone.length > 0) {
      await tx.execute(
        sql`delete from ${sql.raw(name)} where ${sql.raw(`"${keyColumn[name]}"`)} = any(${pgArray(gone)}::text[])`,
      );
    }
    await upsertJson(
      tx,
      name,
      restore.filter((e) => e.before !== null).map((e) => e.before),
    );
  }
  await tx.delete(chainUndo).where(gt(chainUndo.blockNumber, block));
  await tx.delete(chainBalanceMoves).where(gt(chainBalanceMoves.blockNumber, block));
  await tx
    .delete(chainEvents)
    .where(and(eq(chainEvents.contract, contract), gt(chainEvents.blockNumber, block)));
  await tx
    .delete(chainBlocks)
    .where(and(eq(chainBlocks.contract, contract), gt(chainBlocks.number, block)));
}

/**
 * Forgets what a rollback can no longer need once `confirmed` is final: its undo entries and the
 * blocks before it (it stays remembered, as the oldest block a rollback may return to).
 */
export async function pruneConfirmed(tx: Executor, contract: string, confirmed: bigint) {
  await tx.delete(chainUndo).where(lte(chainUndo.blockNumber, confirmed));
  await tx
    .delete(chainBlocks)
    .where(and(eq(chainBlocks.contract, contract), lt(chainBlocks.number, confirmed)));
}

/**
 * The stored events after `after` and up to `upTo` that can move a marketplace job: those naming
 * a job that has a lease here, in (block, log index) order. The others (jobs funded straight on
 * chain, stake, withdrawals) are only indexed, so they are not read back.
 */
export async function leasedJobEventsBetween(
  tx: Executor,
  contract: string,
  after: bigint,
  upTo: bigint,
) {
  return tx
    .select({
      blockHash: chainEvents.blockHash,
      logIndex: chainEvents.logIndex,
      txHash: chainEvents.txHash,
      name: chainEvents.name,
      jobId: chainEvents.jobId,
    })
    .from(chainEvents)
    .where(
      and(
        eq(chainEvents.contract, contract),
        gt(chainEvents.blockNumber, after),
        lte(chainEvents.blockNumber, upTo),
        sql`exists (select 1 from leases where leases.chain_job_id = ${chainEvents.jobId})`,
      ),
    )
    .orderBy(chainEvents.blockNumber, chainEvents.logIndex);
}

export async function noteApply(tx: Executor, blockHash: string, logIndex: number, note: string) {
  await tx
    .update(chainEvents)
    .set({ applyNote: note })
    .where(and(eq(chainEvents.blockHash, blockHash), eq(chainEvents.logIndex, logIndex)));
}

/** Forgets the whole index (a devnet that was restarted fresh under the same address). */
export async function resetIndex(tx: Executor) {
  for (const t of [
    "chain_events",
    "chain_blocks",
    "chain_undo",
    "chain_balance_moves",
    "chain_jobs",
    "chain_providers",
    "chain_accounts",
    "chain_market",
    "chain_cursor",
    // The keeper's record of calls belongs to the chain that is gone.
    "keeper_calls",
  ]) {
    await tx.execute(sql.raw(`delete from ${t}`));
  }
}
