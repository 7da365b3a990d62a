import Link from "next/link";
import { NavLink } from "./nav-link";
import { WalletButton } from "./wallet/wallet-button";

export function SiteHeader({ chainName }: { chainName: string }) {
  return (
    <header className="border-b border-zinc-800/80 bg-zinc-950/80 backdrop-blur">
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3 sm:flex-nowrap sm:px-6">
        <Link
          href="/"
          className="flex shrink-0 items-center gap-2 font-semibold tracking-tight whitespace-nowrap"
        >
          <span
            aria-hidden
            className="grid size-7 place-items-center rounded-md bg-emerald-500 text-xs font-bold text-zinc-950"
          >
            GM
          </span>
          {/* On a phone the logo alone, so the wallet fits beside it. */}
          <span className="sr-only sm:not-sr-only">GPU Market</span>
        </Link>
        {/* On a phone the links take their own row under the brand and the wallet. */}
        <nav
          aria-label="Main"
          className="order-last flex w-full items-center gap-1 sm:order-none sm:w-auto"
        >
          <NavLink href="/market">Market</NavLink>
          <NavLink href="/jobs">Jobs</NavLink>
          <NavLink href="/provider">Provider</NavLink>
        </nav>
        <div className="ml-auto flex items-center gap-4">
          <span className="hidden text-xs text-zinc-400 sm:inline">{chainName}</span>
          <WalletButton />
        </div>
      </div>
    </header>
  );
}
