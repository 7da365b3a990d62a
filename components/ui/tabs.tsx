"use client";

import { type KeyboardEvent, type ReactNode, useRef } from "react";
import { cn } from "./cn";

export type TabItem<T extends string> = { value: T; label: ReactNode };

/**
 * A row of tabs (WAI-ARIA tabs pattern: arrow keys move, one tab stop). The panel is the
 * caller's, labelled by `${id}-tab-${value}` and identified by `${id}-panel`.
 */
export function Tabs<T extends string>({
  id,
  label,
  items,
  value,
  onChange,
}: {
  id: string;
  label: string;
  items: readonly TabItem<T>[];
  value: T;
  onChange: (value: T) => void;
}) {
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (event: KeyboardEvent, index: number) => {
    const step = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!step) return;
    event.preventDefault();
    const next = (index + step + items.length) % items.length;
    const item = items[next];
    if (!item) return;
    onChange(item.value);
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label={label} className="flex flex-wrap gap-2">
      {items.map((item, i) => {
        const selected = item.value === value;
        return (
          <button
            key={item.value}
            ref={(el) => {
              refs.current[i] = el;
            }}
            id={`${id}-tab-${item.value}`}
            type="button"
            role="tab"
            aria-selected={selected}
            aria-controls={`${id}-panel`}
            tabIndex={selected ? 0 : -1}
            onClick={() => onChange(item.value)}
            onKeyDown={(e) => onKey(e, i)}
            className={cn(
              "rounded-lg border px-3 py-1.5 text-sm transition-colors",
              "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-400",
              selected
                ? "border-emerald-500 bg-emerald-500/10 text-emerald-200"
                : "border-zinc-700 text-zinc-300 hover:border-zinc-500",
            )}
          >
            {item.label}
          </button>
        );
      })}
    </div>
  );
}
