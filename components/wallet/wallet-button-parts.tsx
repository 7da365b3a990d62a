import Link from "next/link";
import type { ReactNode } from "react";
import { shortAddress } from "./short-address";

// What the header's wallet button shows both before the wallet libraries load
// (`wallet-button.tsx`) and after (`live-wallet-button.tsx`), so the hand-over does not move it.

/** What a click on the header's button asked for before the wallet loaded. */
export type WalletIntent = "connect" | "account";

export const primary =
  "rounded-lg bg-emerald-500 px-3.5 py-2 text-sm font-medium text-zinc-950 transition hover:bg-emerald-400 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-400";
export const secondary =
  "rounded-lg border border-zinc-700 px-3 py-2 text-sm text-zinc-200 transition hover:border-zinc-500 hover:bg-zinc-900 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-emerald-400";

export type ButtonHandlers = {
  onClick?: () => void;
  onPointerEnter?: () => void;
  onFocus?: () => void;
};

/** The signed-in wallet's short address (a button: it opens the wallet), Sessions, Sign out. */
export function SignedIn({
  address,
  title,
  handlers,
  onSignOut,
}: {
  address: string;
  title: string;
  handlers: ButtonHandlers;
  onSignOut: () => void;
}) {
  return (
    <div className="flex items-center gap-2">
      <button
        type="button"
        className={`${secondary} font-mono`}
        title={title}
        data-testid="wallet-address"
        {...handlers}
      >
        {shortAddress(address)}
      </button>
      <Link
        href="/account/sessions"
        className="rounded-md px-1 py-2 text-sm text-zinc-400 transition hover:text-zinc-100 sm:px-2"
      >
        Sessions
      </Link>
      <button type="button" className={secondary} onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}

/** The control with the last sign-in failure under it. */
export function WithError({
  control,
  error,
  onDismiss,
}: {
  control: ReactNode;
  error: string | null | undefined;
  onDismiss?: () => void;
}) {
  return (
    <div className="flex flex-col items-end gap-1">
      {control}
      {error ? (
        <p role="alert" className="max-w-xs text-right text-xs text-red-400">
          {error}{" "}
          {onDismiss ? (
            <button type="button" className="underline" onClick={onDismiss}>
              Dismiss
            </button>
          ) : null}
        </p>
      ) : null}
    </div>
  );
}

/** Who the session says is signed in, while the wallet itself is not (yet) connected. */
export function sessionTitle(address: string): string {
  return `Signed in as ${address}; connect the wallet to send transactions`;
}
