import type { ReactNode } from "react";

export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="mb-10 max-w-3xl">
      <h1 className="text-3xl font-semibold tracking-tight text-zinc-50">{title}</h1>
      {children ? <div className="mt-3 text-zinc-400">{children}</div> : null}
    </div>
  );
}

export function Panel({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="rounded-xl border border-zinc-800 bg-zinc-900/40 p-6">
      <h2 className="text-base font-medium text-zinc-100">{title}</h2>
      <div className="mt-2 space-y-2 text-sm leading-6 text-zinc-400">{children}</div>
    </section>
  );
}
