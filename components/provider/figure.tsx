import type { ReactNode } from "react";

/** A number a provider watches: label above, value large with its unit, a note under it. */
export function Figure({
  label,
  children,
  note,
  testId,
}: {
  label: string;
  children: ReactNode;
  note?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="min-w-0">
      <dt className="text-xs tracking-wide text-zinc-400 uppercase">{label}</dt>
      <dd className="mt-1 text-xl font-semibold text-zinc-50 tabular-nums" data-testid={testId}>
        {children}
      </dd>
      {note ? <dd className="mt-0.5 text-xs text-zinc-400">{note}</dd> : null}
    </div>
  );
}

/** An empty list said plainly, with what to do next. */
export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="rounded-lg border border-dashed border-zinc-700 p-6 text-center">
      <p className="font-medium text-zinc-200">{title}</p>
      {children ? <div className="mt-1 text-sm text-zinc-400">{children}</div> : null}
    </div>
  );
}

export const tableClass = "w-full min-w-[36rem] text-left text-sm";
export const thClass = "px-3 py-2 text-xs font-medium tracking-wide text-zinc-400 uppercase";
export const tdClass = "px-3 py-2 align-top text-zinc-200";
