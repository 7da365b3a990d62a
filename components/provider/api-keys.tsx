"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import { toast } from "sonner";
import type { z } from "zod";
import { createApiKey, revokeApiKey } from "@/app/provider/actions";
import { apiKeyInput } from "@/lib/market/schemas";

type Form = z.input<typeof apiKeyInput>;

/** Creates a key and shows it once: only its hash is stored, so it cannot be shown again. */
export function CreateApiKey() {
  const router = useRouter();
  const [created, setCreated] = useState<{ label: string; key: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Form>({ resolver: zodResolver(apiKeyInput), defaultValues: { label: "" } });
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await createApiKey(values);
    if (!result.ok) {
      setError(result.message);
      return;
    }
    setCreated({ label: result.data.label ?? values.label, key: result.data.key });
    form.reset();
    router.refresh();
  });
  return (
    <div className="space-y-4">
      <form onSubmit={onSubmit} noValidate className="flex flex-wrap items-end gap-3">
        <div className="min-w-56 flex-1 space-y-1">
          <label htmlFor="key-label" className="block text-sm text-zinc-300">
            Label (which machine uses it)
          </label>
          <input
            id="key-label"
            className="w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100 outline-none focus:border-emerald-500"
            {...form.register("label")}
          />
          <p className="text-xs text-red-300">{form.formState.errors.label?.message}</p>
        </div>
        <button
          type="submit"
          disabled={form.formState.isSubmitting}
          className="mb-5 rounded-lg bg-emerald-500 px-3.5 py-2 text-sm font-medium text-zinc-950 hover:bg-emerald-400 disabled:opacity-60"
        >
          Create key
        </button>
      </form>
      {error ? (
        <p role="alert" className="text-sm text-red-300">
          {error}
        </p>
      ) : null}
      {created ? (
        <div
          role="status"
          className="space-y-2 rounded-lg border border-amber-500/40 bg-amber-500/10 p-4"
        >
          <p className="text-sm text-amber-100">
            Key <strong>{created.label}</strong> created. Copy it now and give it to the node agent:
            it is shown only once.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              className="break-all rounded bg-zinc-950 px-2 py-1 font-mono text-sm text-zinc-100"
              data-testid="new-api-key"
            >
              {created.key}
            </code>
            <button
              type="button"
              className="rounded-md border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-zinc-500"
              onClick={() => {
                void navigator.clipboard?.writeText(created.key).catch(() => undefined);
                toast.success("Key copied");
              }}
            >
              Copy
            </button>
            <button
              type="button"
              className="text-xs text-zinc-400 underline"
              onClick={() => setCreated(null)}
            >
              I have saved it
            </button>
          </div>
        </div>
      ) : null}
    </div>
  );
}

export function RevokeApiKey({ keyId, label }: { keyId: string; label: string }) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <button
        type="button"
        disabled={pending}
        aria-label={`Revoke key ${label}`}
        className="rounded-md border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 hover:border-red-500/60 hover:text-red-200 disabled:opacity-50"
        onClick={() =>
          start(async () => {
            const result = await revokeApiKey({ keyId });
            if (!result.ok) {
              setError(result.message);
              return;
            }
            toast.success(`Key ${label} revoked`);
            router.refresh();
          })
        }
      >
        Revoke
      </button>
      {error ? <span className="text-xs text-red-300">{error}</span> : null}
    </span>
  );
}
