"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import { z } from "zod";
import { createOffer, updateOffer } from "@/app/provider/actions";
import { AmountInput } from "@/components/web3/amount-input";
import { gpuCatalog, regions } from "@/lib/market/gpu-catalog";
import { limits } from "@/lib/market/limits";
import { createOfferInput, updateOfferInput } from "@/lib/market/schemas";
import { formatEthExact } from "@/lib/web3/amounts";

const field =
  "w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100 outline-none focus:border-emerald-500";

type Values = {
  gpuModel: string;
  region: string;
  gpusTotal: number;
  askWeiPerGpuHour: string;
  minHours: number;
  maxHours: number;
};

export type EditableOffer = {
  id: string;
  gpuModel: string;
  region: string;
  gpusTotal: number;
  leased: number;
  askWeiPerGpuHour: string;
  minHours: number;
  maxHours: number;
};

/**
 * A new offer, or an existing one's price, size and duration bounds. The browser checks with the
 * server's own schemas (createOfferInput, updateOfferInput); the server checks again and has the
 * last word (a size below the GPUs leased now is refused there).
 */
export function OfferForm({ offer, onDone }: { offer?: EditableOffer; onDone?: () => void }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const schema = offer
    ? updateOfferInput.and(
        z.object({
          gpusTotal: z.coerce
            .number()
            .min(offer.leased || 1, `must be at least the ${offer.leased} GPUs leased now`),
        }),
      )
    : createOfferInput;
  const form = useForm<Values>({
    // The schemas transform (wei text to bigint); the form keeps its text values.
    resolver: async (values, context, options) => {
      const input = offer ? { ...values, offerId: offer.id } : values;
      const r = await zodResolver(schema as never)(input as never, context, options as never);
      return Object.keys(r.errors).length
        ? { values: {}, errors: r.errors }
        : { values, errors: {} };
    },
    defaultValues: offer
      ? { ...offer }
      : {
          gpuModel: "h100-80gb",
          region: "us-east",
          gpusTotal: 8,
          askWeiPerGpuHour: "",
          minHours: 1,
          maxHours: limits.maxHours,
        },
  });
  const { errors, isSubmitting } = form.formState;
  const prefix = offer ? `offer-${offer.id.slice(0, 8)}` : "new-offer";
  const onSubmit = form.handleSubmit(async (v) => {
    setError(null);
    const result = offer
      ? await updateOffer({
          offerId: offer.id,
          gpusTotal: v.gpusTotal,
          askWeiPerGpuHour: v.askWeiPerGpuHour,
          minHours: v.minHours,
          maxHours: v.maxHours,
        })
      : await createOffer(v);
    if (!result.ok) {
      setError(result.message);
      for (const [name, messages] of Object.entries(result.fieldErrors ?? {})) {
        form.setError(name as keyof Values, { message: messages.join(", ") });
      }
      return;
    }
    toast.success(offer ? "Offer updated" : "Offer listed", {
      description: result.data.placedJobs
        ? `${result.data.placedJobs} waiting jobs placed on it.`
        : undefined,
    });
    onDone?.();
    router.refresh();
  });
  return (
    <form
      onSubmit={onSubmit}
      noValidate
      className="grid gap-4 sm:grid-cols-3"
      aria-label={offer ? "Edit offer" : "New offer"}
    >
      {offer ? null : (
        <>
          <div className="space-y-1">
            <label htmlFor={`${prefix}-model`} className="block text-sm text-zinc-300">
              GPU model
            </label>
            <select id={`${prefix}-model`} className={field} {...form.register("gpuModel")}>
              {gpuCatalog.map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name}
                </option>
              ))}
            </select>
          </div>
          <div className="space-y-1">
            <label htmlFor={`${prefix}-region`} className="block text-sm text-zinc-300">
              Region
            </label>
            <select id={`${prefix}-region`} className={field} {...form.register("region")}>
              {regions.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
        </>
      )}
      <div className="space-y-1">
        <label htmlFor={`${prefix}-gpus`} className="block text-sm text-zinc-300">
          GPUs
        </label>
        <input
          id={`${prefix}-gpus`}
          type="number"
          min={1}
          max={limits.maxGpusPerOffer}
          className={field}
          {...form.register("gpusTotal", { valueAsNumber: true })}
        />
        <p className="text-xs text-red-300">{errors.gpusTotal?.message}</p>
      </div>
      <div className="space-y-1 sm:col-span-1">
        <AmountInput
          label="Price per GPU-hour"
          defaultValue={offer ? formatEthExact(BigInt(offer.askWeiPerGpuHour)) : ""}
          onChange={(wei) =>
            form.setValue("askWeiPerGpuHour", wei ? wei.toString() : "", {
              shouldValidate: form.formState.isSubmitted,
            })
          }
          hint="ETH per GPU per hour; buyers pay for the seconds used."
        />
        <p className="text-xs text-red-300">
          {errors.askWeiPerGpuHour ? "Enter a price above zero." : ""}
        </p>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${prefix}-min`} className="block text-sm text-zinc-300">
          Shortest job (hours)
        </label>
        <input
          id={`${prefix}-min`}
          type="number"
          min={1}
          max={limits.maxHours}
          className={field}
          {...form.register("minHours", { valueAsNumber: true })}
        />
        <p className="text-xs text-red-300">{errors.minHours?.message}</p>
      </div>
      <div className="space-y-1">
        <label htmlFor={`${prefix}-max`} className="block text-sm text-zinc-300">
          Longest job (hours)
        </label>
        <input
          id={`${prefix}-max`}
          type="number"
          min={1}
          max={limits.maxHours}
          className={field}
          {...form.register("maxHours", { valueAsNumber: true })}
        />
        <p className="text-xs text-red-300">{errors.maxHours?.message}</p>
      </div>
      <div className="flex flex-wrap items-center gap-3 sm:col-span-3">
        <button
          type="submit"
          disabled={isSubmitting}
          className="rounded-lg bg-emerald-500 px-3.5 py-2 text-sm font-medium text-zinc-950 hover:bg-emerald-400 disabled:opacity-60"
        >
          {isSubmitting ? "Saving…" : offer ? "Save changes" : "List offer"}
        </button>
        {onDone ? (
          <button
            type="button"
            onClick={onDone}
            className="rounded-lg border border-zinc-700 px-3.5 py-2 text-sm text-zinc-200 hover:border-zinc-500"
          >
            Cancel
          </button>
        ) : null}
        {error ? (
          <p role="alert" className="text-sm text-red-300">
            {error}
          </p>
        ) : null}
      </div>
    </form>
  );
}
