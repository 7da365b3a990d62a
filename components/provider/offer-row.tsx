"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { pauseOffer, removeOffer, resumeOffer } from "@/app/provider/actions";
import { type EditableOffer, OfferForm } from "./offer-form";

const small =
  "rounded-md border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500 focus-visible:outline-2 focus-visible:outline-emerald-400 disabled:cursor-not-allowed disabled:opacity-50";

/** Edit, pause or resume, and remove one offer; each refusal from the server is shown in place. */
export function OfferRowActions({
  offer,
  status,
  label,
}: {
  offer: EditableOffer;
  status: "active" | "paused" | "removed";
  label: string;
}) {
  const router = useRouter();
  const [editing, setEditing] = useState(false);
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const run = (
    what: string,
    action: (raw: unknown) => Promise<{ ok: boolean; message?: string }>,
  ) =>
    start(async () => {
      setError(null);
      const result = await action({ offerId: offer.id });
      if (!result.ok) {
        setError(result.message ?? "Refused.");
        return;
      }
      toast.success(what);
      router.refresh();
    });
  const removeReason =
    offer.leased > 0
      ? `${offer.leased} GPU${offer.leased === 1 ? " is" : "s are"} leased to a job: remove it once that work ends (pause it to stop new jobs).`
      : undefined;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <button
          type="button"
          className={small}
          onClick={() => setEditing((e) => !e)}
          aria-expanded={editing}
          aria-label={`Edit ${label}`}
        >
          Edit
        </button>
        {status === "active" ? (
          <button
            type="button"
            className={small}
            disabled={pending}
            onClick={() => run("Offer paused", pauseOffer)}
            aria-label={`Pause ${label}`}
          >
            Pause
          </button>
        ) : (
          <button
            type="button"
            className={small}
            disabled={pending}
            onClick={() => run("Offer resumed", resumeOffer)}
            aria-label={`Resume ${label}`}
          >
            Resume
          </button>
        )}
        <button
          type="button"
          className={`${small} hover:border-red-500/60 hover:text-red-200`}
          disabled={pending || Boolean(removeReason)}
          title={removeReason}
          onClick={() => run("Offer removed", removeOffer)}
          aria-label={`Remove ${label}`}
        >
          Remove
        </button>
      </div>
      {removeReason ? <p className="text-xs text-zinc-400">{removeReason}</p> : null}
      {error ? (
        <p role="alert" className="text-xs text-red-300">
          {error}
        </p>
      ) : null}
      {editing ? (
        <div className="rounded-lg border border-zinc-800 bg-zinc-950 p-4">
          <OfferForm offer={offer} onDone={() => setEditing(false)} />
        </div>
      ) : null}
    </div>
  );
}
