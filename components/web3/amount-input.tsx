"use client";

import { useId, useState } from "react";
import { parseEthAmount } from "@/lib/web3/amounts";

/**
 * An ETH amount typed as a decimal and handed on as wei (bigint), or null while it is not a valid
 * amount; the reason shows under the field. `max` (wei) refuses more than is available.
 */
export function AmountInput({
  label,
  onChange,
  max,
  defaultValue = "",
  hint,
}: {
  label: string;
  onChange: (wei: bigint | null) => void;
  max?: bigint;
  defaultValue?: string;
  hint?: string;
}) {
  const id = useId();
  const [text, setText] = useState(defaultValue);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm text-zinc-300">
        {label}
      </label>
      <div className="flex items-center rounded-lg border border-zinc-700 bg-zinc-900 focus-within:border-emerald-500">
        <input
          id={id}
          inputMode="decimal"
          autoComplete="off"
          value={text}
          aria-invalid={error ? true : undefined}
          aria-describedby={`${id}-note`}
          className="w-full bg-transparent px-3 py-2 font-mono text-zinc-100 outline-none"
          onChange={(event) => {
            const next = event.target.value;
            setText(next);
            const parsed = parseEthAmount(next);
            if (!parsed.ok) {
              setError(next.trim() === "" ? null : parsed.message);
              onChange(null);
            } else if (max !== undefined && parsed.wei > max) {
              setError("That is more than is available.");
              onChange(null);
            } else {
              setError(null);
              onChange(parsed.wei);
            }
          }}
        />
        <span className="px-3 text-sm text-zinc-400">ETH</span>
      </div>
      <p id={`${id}-note`} className={`text-xs ${error ? "text-red-300" : "text-zinc-400"}`}>
        {error ?? hint ?? ""}
      </p>
    </div>
  );
}
