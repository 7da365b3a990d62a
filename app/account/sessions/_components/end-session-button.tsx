"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { endOtherSessions, endSession } from "../actions";

const button =
  "rounded-lg border border-zinc-700 px-3 py-1.5 text-sm text-zinc-200 transition hover:border-red-500/60 hover:bg-red-500/10 hover:text-red-200 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-400 disabled:cursor-not-allowed disabled:opacity-50 disabled:hover:border-zinc-700 disabled:hover:bg-transparent disabled:hover:text-zinc-200";

type Props =
  | { kind: "one"; sessionId: string; label: string }
  | { kind: "others"; disabledReason?: string };

/** Ends another session (or all others), then re-reads the list; failures say why, in place. */
export function EndSessionButton(props: Props) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  const disabledReason = props.kind === "others" ? props.disabledReason : undefined;

  const run = () =>
    startTransition(async () => {
      setError(null);
      const result =
        props.kind === "one"
          ? await endSession({ sessionId: props.sessionId })
          : await endOtherSessions({});
      if (!result.ok) {
        setError(result.message);
        return;
      }
      router.refresh();
    });

  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        className={button}
        onClick={run}
        disabled={pending || Boolean(disabledReason)}
        title={disabledReason}
        aria-label={props.kind === "one" ? `Sign out ${props.label}` : undefined}
      >
        {pending ? "Signing out…" : props.kind === "one" ? "Sign out" : "Sign out everywhere else"}
      </button>
      {disabledReason ? <p className="text-xs text-zinc-500">{disabledReason}</p> : null}
      <p role="alert" className="max-w-xs text-right text-xs text-red-400 empty:hidden">
        {error}
      </p>
    </div>
  );
}
