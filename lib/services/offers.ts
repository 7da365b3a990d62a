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
import type { OfferStatus } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { marketKey } from "@/lib/market/gpu-catalog";
import type { CreateOfferInput, UpdateOfferInput } from "@/lib/market/schemas";
import { requireProvider } from "./providers";

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

/** Lists GPUs; the caller re-matches the offer's market afterwards. */
export async function createOffer(db: Db, address: string, input: CreateOfferInput) {
  return db.transaction(async (tx) => {
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

/** New price, hours or size. Shrinking below the GPUs already leased is refused. */
export async function updateOffer(db: Db, address: string, input: UpdateOfferInput) {
  return db.transaction(async (tx) => {
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
      const leased = offer.gpusTotal - offer.gpusFree;
      throw new AppError(
        "conflict",
        offer.status === "removed"
          ? "This offer was removed."
          : `${leased} GPUs of this offer are leased; it cannot shrink below that.`,
        offer.status === "removed" ? undefined : { gpusTotal: [`must be at least ${leased}`] },
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
}

const statusMoves: Record<"pause" | "resume" | "remove", { from: OfferStatus[]; to: OfferStatus }> =
  {
    pause: { from: ["active"], to: "paused" },
    resume: { from: ["paused"], to: "active" },
    remove: { from: ["active", "paused"], to: "removed" },
  };

/**
 * Pause, resume or remove. Leases already running keep their GPUs; a removed offer is never
 * matched again and its returning GPUs simply stay unlisted.
 */
export async function changeOfferStatus(
  db: Db,
  address: string,
  offerId: string,
  move: keyof typeof statusMoves,
): Promise<OfferRow> {
  const { from, to } = statusMoves[move];
  return db.transaction(async (tx) => {
    const offer = await ownOffer(tx, address, offerId);
    const moved = await setOfferStatus(tx, offer, from, to);
    if (!moved) {
      throw new AppError("conflict", `This offer is ${offer.status}; it cannot be ${to} now.`);
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
}
