"use client";

import { useRef } from "react";
import { exampleJobTemplates } from "./job-templates";

const runtimeNote = {
  process: "Runs on any provider (CPU, the agent's process runtime)",
  docker: "Needs a provider with Docker and NVIDIA GPUs",
} as const;

/**
 * The repository's example jobs (examples/templates.ts), one click from a filled form: real work
 * a buyer can run to see the whole flow end to end before sending their own container.
 */
export function ExamplePicker({ onPick }: { onPick: (id: string) => void }) {
  const details = useRef<HTMLDetailsElement>(null);
  return (
    <details ref={details} className="group rounded-xl border border-zinc-800 bg-zinc-900/40">
      <summary className="cursor-pointer list-none px-4 py-3 text-sm font-medium text-zinc-200 marker:hidden">
        <span aria-hidden className="mr-2 inline-block transition group-open:rotate-90">
          ›
        </span>
        Start from an example job
        <span className="ml-2 font-normal text-zinc-400">
          ({exampleJobTemplates.length} ready to run)
        </span>
      </summary>
      <ul className="grid gap-3 px-4 pb-4 sm:grid-cols-2">
        {exampleJobTemplates.map((t) => (
          <li key={t.id} className="flex flex-col gap-2 rounded-lg border border-zinc-800 p-3">
            <p className="text-sm font-medium text-zinc-100">{t.title}</p>
            <p className="text-xs text-zinc-400">{t.description}</p>
            <p className="text-xs text-emerald-300">{runtimeNote[t.runtime]}</p>
            <button
              type="button"
              onClick={() => {
                onPick(t.id);
                // Folded away, so the filled form and its live quote come up under it.
                if (details.current) details.current.open = false;
              }}
              aria-label={`Use this example: ${t.title}`}
              className="mt-auto self-start rounded-md border border-zinc-700 px-2.5 py-1 text-xs text-zinc-200 transition hover:border-zinc-500 hover:bg-zinc-900 focus-visible:outline-2 focus-visible:outline-emerald-400"
            >
              Use this example
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
