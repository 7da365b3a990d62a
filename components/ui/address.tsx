"use client";

import { useState } from "react";
import { shortAddress } from "@/components/wallet/short-address";

/** `0x1234…abcd` with the whole address on hover and a copy button. */
export function Address({ value, label = "address" }: { value: string; label?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <span className="inline-flex items-center gap-1 font-mono">
      <span title={value}>{shortAddress(value)}</span>
      <button
        type="button"
        className="rounded px-1 text-xs text-zinc-400 hover:text-zinc-100"
        aria-label={`Copy ${label} ${value}`}
        onClick={async () => {
          await navigator.clipboard?.writeText(value).catch(() => undefined);
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        {copied ? "copied" : "copy"}
      </button>
    </span>
  );
}
