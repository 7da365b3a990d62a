import "server-only";
import type { Executor } from "@/db/client";
import { type DisputedJob, disputedJobs, marketSettings } from "@/db/queries/provider-pages";
import { AppError } from "@/lib/errors";
import { accountOf } from "./address";
import { type DisputePayouts, disputePayouts } from "./dispute-payouts";

/**
 * The arbiter's desk: the market's disputes with both sides' facts, and the payouts a resolution
 * would make. Only the contract's arbiter (chain_market.state.arbiter, as indexed) may read them;
 * the contract itself refuses `resolveDispute` from anyone else (NotArbiter).
 */

/** The signed-in address, when it is the market's arbiter; forbidden for anyone else. */
export async function requireArbiter(db: Executor, address: string): Promise<string> {
  const account = accountOf(address);
  const settings = await marketSettings(db);
  if (!settings || settings.arbiter !== account) {
    throw new AppError("forbidden", "Only the market's arbiter can see and resolve disputes.");
  }
  return account;
}

/** Whether the address is the market's arbiter (the navigation shows the page only to it). */
export async function isArbiter(db: Executor, address: string): Promise<boolean> {
  const settings = await marketSettings(db);
  return settings !== undefined && settings.arbiter === address.toLowerCase();
}

export async function disputesForArbiter(db: Executor, address: string): Promise<DisputedJob[]> {
  await requireArbiter(db, address);
  return disputedJobs(db);
}

/** What resolving one dispute with these shares would credit each side; arbiter only. */
export async function previewResolution(
  db: Executor,
  address: string,
  input: { chainJobId: string; providerPayBps: number; slashBps: number },
): Promise<{ job: DisputedJob; payouts: DisputePayouts }> {
  const disputes = await disputesForArbiter(db, address);
  const job = disputes.find((d) => d.chainJobId === input.chainJobId.toLowerCase());
  if (!job) {
    throw new AppError("not_found", "That job is not in dispute (it may just have been settled).");
  }
  return { job, payouts: disputePayouts(job, input.providerPayBps, input.slashBps) };
}
