"use client";

import { debounce, useQueryStates } from "nuqs";
import { useState, useTransition } from "react";
import { Field, Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { gpuCatalog, regions } from "@/lib/market/gpu-catalog";
import { filterParsers, type Sort } from "@/lib/services/browse/filters";

const vramSteps = [16, 24, 40, 48, 80, 141, 192];
const reliabilitySteps = [90, 95, 99];

/** A whole number from an input, or null when it is empty (the filter is off). */
function intOrNull(value: string): number | null {
  if (value.trim() === "") return null;
  const n = Number(value);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/**
 * A typed filter: the input keeps what the person types (the URL follows, debounced), and takes
 * the URL's value when it changes from elsewhere (Clear filters, back and forward).
 */
function TypedInput({
  value,
  onValue,
  ...props
}: Omit<React.ComponentProps<typeof Input>, "value" | "onChange" | "defaultValue"> & {
  value: string;
  onValue: (text: string) => void;
}) {
  const [text, setText] = useState(value);
  const [seen, setSeen] = useState(value);
  if (value !== seen) {
    // The URL moved without this input: show its value (adjusting state during render).
    setSeen(value);
    if (value !== text.trim()) setText(value);
  }
  return (
    <Input
      {...props}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onValue(e.target.value);
      }}
    />
  );
}

/**
 * The market's filters, kept in the URL with nuqs: every change re-renders the server's page
 * (shallow: false) inside a transition, typing is debounced, and any change goes back to page 1.
 */
export function FilterRail() {
  const [pending, startTransition] = useTransition();
  const [f, setFilters] = useQueryStates(filterParsers, { shallow: false, startTransition });
  const set = (patch: Partial<typeof f>, typed = false) =>
    setFilters({ ...patch, page: null }, typed ? { limitUrlUpdates: debounce(400) } : undefined);
  const toggle = <T extends string>(list: readonly T[], value: T): T[] =>
    list.includes(value) ? list.filter((v) => v !== value) : [...list, value];

  return (
    <form
      aria-label="Filter offers"
      aria-busy={pending}
      className="space-y-5"
      onSubmit={(e) => e.preventDefault()}
    >
      <fieldset>
        <legend className="text-xs font-medium text-zinc-300">GPU model</legend>
        <div className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1.5 lg:grid-cols-1">
          {gpuCatalog.map((g) => (
            <label key={g.id} className="flex items-center gap-2 text-sm text-zinc-300">
              <input
                type="checkbox"
                className="size-4 accent-emerald-500"
                checked={f.model.includes(g.id)}
                onChange={() => set({ model: toggle(f.model, g.id) })}
              />
              {g.name}
            </label>
          ))}
        </div>
      </fieldset>
      <Field id="filter-vram" label="Minimum VRAM per GPU">
        <Select
          id="filter-vram"
          value={f.vram?.toString() ?? ""}
          placeholder="Any"
          options={vramSteps.map((v) => ({ value: String(v), label: `${v} GB or more` }))}
          onChange={(e) => set({ vram: intOrNull(e.target.value) })}
        />
      </Field>
      <Field id="filter-gpus" label="GPUs free on one offer, at least">
        <TypedInput
          id="filter-gpus"
          type="number"
          inputMode="numeric"
          min={1}
          placeholder="1"
          value={f.gpus?.toString() ?? ""}
          onValue={(v) => set({ gpus: intOrNull(v) }, true)}
        />
      </Field>
      <fieldset>
        <legend className="text-xs font-medium text-zinc-300">Region</legend>
        <div className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1.5 lg:grid-cols-1">
          {regions.map((r) => (
            <label key={r} className="flex items-center gap-2 text-sm text-zinc-300">
              <input
                type="checkbox"
                className="size-4 accent-emerald-500"
                checked={f.region.includes(r)}
                onChange={() => set({ region: toggle(f.region, r) })}
              />
              {r}
            </label>
          ))}
        </div>
      </fieldset>
      <Field id="filter-max-price" label="Max price (ETH per GPU-hour)">
        <TypedInput
          id="filter-max-price"
          inputMode="decimal"
          placeholder="e.g. 0.002"
          value={f.maxPrice ?? ""}
          onValue={(v) => set({ maxPrice: v.trim() || null }, true)}
        />
      </Field>
      <Field id="filter-reliability" label="Provider reliability">
        <Select
          id="filter-reliability"
          value={f.rel?.toString() ?? ""}
          placeholder="Any"
          options={reliabilitySteps.map((r) => ({ value: String(r), label: `${r}% or more` }))}
          onChange={(e) => set({ rel: intOrNull(e.target.value) })}
        />
      </Field>
      <Field
        id="filter-tflops"
        label="TFLOPS per GPU, at least"
        hint="Measured by the provider's agent when known, else the GPU's rated figure."
      >
        <TypedInput
          id="filter-tflops"
          type="number"
          inputMode="numeric"
          min={1}
          placeholder="e.g. 300"
          value={f.tflops?.toString() ?? ""}
          onValue={(v) => set({ tflops: intOrNull(v) }, true)}
        />
      </Field>
    </form>
  );
}

const sortLabels: Record<Sort, string> = {
  price: "Price per GPU-hour",
  price_per_tflops: "Price per TFLOPS",
  vram: "VRAM (most first)",
};

/** The sort order, in the URL beside the filters. */
export function SortSelect() {
  const [pending, startTransition] = useTransition();
  const [{ sort }, setFilters] = useQueryStates(filterParsers, { shallow: false, startTransition });
  return (
    <div className="flex items-center gap-2">
      <label htmlFor="sort" className="text-xs whitespace-nowrap text-zinc-400">
        Sort by
      </label>
      <Select
        id="sort"
        className="w-auto"
        aria-busy={pending}
        value={sort}
        options={Object.entries(sortLabels).map(([value, label]) => ({ value, label }))}
        onChange={(e) => setFilters({ sort: e.target.value as Sort, page: null })}
      />
    </div>
  );
}
