import type { ReactNode } from "react";

/** What a person sees where data would be: what it means, and what to do next. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="rounded-xl border border-dashed border-zinc-700 px-6 py-12 text-center">
      <h2 className="text-base font-medium text-zinc-100">{title}</h2>
      {children ? (
        <div className="mx-auto mt-2 max-w-md text-sm leading-6 text-zinc-400">{children}</div>
      ) : null}
      {action ? <div className="mt-5 flex justify-center gap-3">{action}</div> : null}
    </div>
  );
}
