"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { toast } from "sonner";
import { cancelJob } from "@/app/actions/market";
import { buttonClass } from "@/components/ui/button";

/** Cancels a job in the market before its escrow is funded: no transaction, nothing to pay. */
export function CancelJobButton({ jobId }: { jobId: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [message, setMessage] = useState("");
  return (
    <div className="space-y-1">
      <button
        type="button"
        disabled={pending}
        className={buttonClass("secondary")}
        onClick={() =>
          start(async () => {
            const result = await cancelJob({ jobId });
            if (result.ok) {
              // The refreshed page says so in its header once this button is gone.
              setMessage("Cancelled.");
              toast.success("Job cancelled");
              router.refresh();
            } else {
              setMessage(result.message);
              toast.error("Could not cancel", { description: result.message });
            }
          })
        }
      >
        {pending ? "Cancelling…" : "Cancel job"}
      </button>
      <p aria-live="polite" role="status" className="text-xs text-zinc-400">
        {message}
      </p>
    </div>
  );
}
