"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { registerProvider } from "@/app/provider/actions";
import { regions } from "@/lib/market/gpu-catalog";
import { registerProviderInput } from "@/lib/market/schemas";

type Form = z.input<typeof registerProviderInput>;

const field =
  "w-full rounded-lg border border-zinc-700 bg-zinc-900 px-3 py-2 text-zinc-100 outline-none focus:border-emerald-500";

/** The provider profile: checked here for comfort, by the same schema on the server for truth. */
export function RegisterForm({ defaults }: { defaults?: Partial<Form> }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const form = useForm<Form>({
    resolver: zodResolver(registerProviderInput),
    defaultValues: { name: "", region: "us-east", signerAddress: "", ...defaults },
  });
  const { errors, isSubmitting } = form.formState;
  const onSubmit = form.handleSubmit(async (values) => {
    setError(null);
    const result = await registerProvider(values);
    if (!result.ok) {
      setError(result.message);
      for (const [name, messages] of Object.entries(result.fieldErrors ?? {})) {
        form.setError(name as keyof Form, { message: messages.join(", ") });
      }
      return;
    }
    router.refresh();
  });
  return (
    <form onSubmit={onSubmit} className="grid gap-4 sm:grid-cols-3" noValidate>
      <div className="space-y-1">
        <label htmlFor="provider-name" className="block text-sm text-zinc-300">
          Name buyers see
        </label>
        <input id="provider-name" className={field} {...form.register("name")} />
        <p className="text-xs text-red-300">{errors.name?.message}</p>
      </div>
      <div className="space-y-1">
        <label htmlFor="provider-region" className="block text-sm text-zinc-300">
          Region
        </label>
        <select id="provider-region" className={field} {...form.register("region")}>
          {regions.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </select>
        <p className="text-xs text-red-300">{errors.region?.message}</p>
      </div>
      <div className="space-y-1">
        <label htmlFor="provider-signer" className="block text-sm text-zinc-300">
          Agent signer address
        </label>
        <input
          id="provider-signer"
          className={`${field} font-mono text-sm`}
          placeholder="0x…"
          autoComplete="off"
          {...form.register("signerAddress")}
        />
        <p className="text-xs text-red-300">{errors.signerAddress?.message}</p>
      </div>
      <div className="sm:col-span-3">
        <button
          type="submit"
          disabled={isSubmitting}
          className="rounded-lg bg-emerald-500 px-3.5 py-2 text-sm font-medium text-zinc-950 hover:bg-emerald-400 disabled:opacity-60"
        >
          {isSubmitting ? "Registering…" : "Register as a provider"}
        </button>
        {error ? (
          <p role="alert" className="mt-2 text-sm text-red-300">
            {error}
          </p>
        ) : null}
      </div>
    </form>
  );
}
