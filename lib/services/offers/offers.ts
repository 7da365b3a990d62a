import "server-only";
import type { Db, Executor } from "@/db/client";
import { appendEvents } from "@/db/queries/events";
import {
  insertOffer,
  type OfferRow,
  offerById,
  setOfferStatus,
  updateOfferTerms,
} from "@/db/queries/offers";
import { transaction } from "@/db/retry";
import type { OfferStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { marketKey } from "@/lib/market/gpu-catalog";
import type { CreateOfferInput, UpdateOfferInput } from "@/lib/market/schemas";
import { capacityFreed } from "../placement/rematch";
import { requireProvider } from "../providers/providers";

export async function ownOffer(executor: Executor, address: string, offerId: string) {
  const provider = await requireProvider(executor, address);
  const offer = await offerById(executor, offerId);
  if (!offer || offer.providerId !== provider.id) {
    throw new AppError("not_found", "No such offer in your account.", {
      offerId: ["no such offer"],
    });
  }
  return offer;
}

/** An offer as a change left it, and how many pending jobs its new capacity placed. */
export type OfferChange = { offer: OfferRow; placedJobs: number };

/** After a change that may let the offer take jobs it could not before: re-match its market. */
async function offered(db: Db, offer: OfferRow): Promise<OfferChange> {
  const placed = offer.status === "active" ? await capacityFreed(db, [offer.market]) : [];
  return { offer, placedJobs: placed.length };
}

/** Lists GPUs, then offers them to the pending jobs of the market. */
export async function createOffer(
  db: Db,
  address: string,
  input: CreateOfferInput,
): Promise<OfferChange> {
  return offered(db, await listOffer(db, address, input));
}

/** The listing alone, one transaction: the offer and its event (`createOffer` then re-matches). */
export function listOffer(db: Db, address: string, input: CreateOfferInput): Promise<OfferRow> {
  return transaction(db, async (tx) => {
    const provider = await requireProvider(tx, address);
    const offer = await insertOffer(tx, {
      market: marketKey(input.gpuModel, input.region),
      providerId: provider.id,
      gpuModel: input.gpuModel,
      region: input.region,
      gpusTotal: input.gpusTotal,
      gpusFree: input.gpusTotal,
      askWeiPerGpuHour: input.askWeiPerGpuHour,
      minHours: input.minHours,
      maxHours: input.maxHours,
    });
    await appendEvents(tx, [
      {
        aggregate: "offer",
        aggregateId: offer.id,
        type: "offer.created",
        toStatus: "active",
        actor: address,
        data: {
          gpus: offer.gpusTotal,
          ask: offer.askWeiPerGpuHour.toString(),
          market: offer.market,
        },
      },
    ]);
    return offer;
  });
}

/**
 * New price, hours or size. Shrinking below the GPUs already leased is refused, with the count
 * read after the refused update.
 */
export async function updateOffer(
  db: Db,
  address: string,
  input: UpdateOfferInput,
): Promise<OfferChange> {
  const updated = await transaction(db, async (tx) => {
    const offer = await ownOffer(tx, address, input.offerId);
    const minHours = input.minHours ?? offer.minHours;
    const maxHours = input.maxHours ?? offer.maxHours;
    if (minHours > maxHours) {
      throw new AppError("bad_request", "Max hours must be at least min hours.", {
        maxHours: ["must be at least the minimum hours"],
      });
    }
    const updated = await updateOfferTerms(tx, offer, {
      gpusTotal: input.gpusTotal,
      askWeiPerGpuHour: input.askWeiPerGpuHour,
      minHours: input.minHours,
      maxHours: input.maxHours,
    });
    if (!updated) {
      const now = (await offerById(tx, offer.id)) ?? offer;
      const leased = now.gpusTotal - now.gpusFree;
      throw new AppError(
        "conflict",
        now.status === "removed"
          ? "This offer was removed."
          : `${leased} GPUs of this offer are leased; it cannot shrink below that.`,
        now.status === "removed" ? undefined : { gpusTotal: [`must be at least ${leased}`] },
      );
    }
    await appendEvents(tx, [
      {
        aggregate: "offer",
        aggregateId: offer.id,
        type: "offer.updated",
        actor: address,
        data: {
          gpusTotal: updated.gpusTotal,
          ask: updated.askWeiPerGpuHour.toString(),
          minHours: updated.minHours,
          maxHours: updated.maxHours,
        },
      },
    ]);
    return updated;
  });
  return offered(db, updated);
}

const statusMoves: Record<"pause" | "resume" | "remove", { from: OfferStatus[]; to: OfferStatus }> =
  {
    pause: { from: ["active"], to: "paused" },
    resume: { from: ["paused"], to: "active" },
    remove: { from: ["active", "paused"], to: "removed" },
  };

/**
 * Pause, resume or remove. Leases already running keep their GPUs; a removed offer is never
 * matched again and its returning GPUs simply stay unlisted. A refused move says where the offer
 * is after the guarded update (a racing resume that lost finds it active, not paused).
 */
export async function changeOfferStatus(
  db: Db,
  address: string,
  offerId: string,
  move: keyof typeof statusMoves,
): Promise<OfferChange> {
  const { from, to } = statusMoves[move];
  const moved = await transaction(db, async (tx) => {
    const offer = await ownOffer(tx, address, offerId);
    const moved = await setOfferStatus(tx, offer, from, to);
    if (!moved) {
      const now = (await offerById(tx, offer.id)) ?? offer;
      throw new AppError(
        "conflict",
        now.status === to
          ? `This offer is already ${to}.`
          : `This offer is ${now.status}; it cannot be ${to} now.`,
      );
    }
    await appendEvents(tx, [
      {
        aggregate: "offer",
        aggregateId: offer.id,
        type: `offer.${to}`,
        fromStatus: offer.status,
        toStatus: to,
        actor: address,
      },
    ]);
    return moved;
  });
  return move === "resume" ? offered(db, moved) : { offer: moved, placedJobs: 0 };
}
