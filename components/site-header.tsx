import Link from "next/link";
import { NavLink } from "./nav-link";
import { WalletButton } from "./wallet/wallet-button";

export function SiteHeader({ chainName }: { chainName: string }) {
  return (
    <header className="border-b border-zinc-800/80 bg-zinc-950/80 backdrop-blur">
      <div className="mx-auto flex max-w-6xl items-center gap-6 px-6 py-3">
        <Link href="/" className="flex items-center gap-2 font-semibold tracking-tight">
          <span
            aria-hidden
            className="grid size-7 place-items-center rounded-md bg-emerald-500 text-xs font-bold text-zinc-950"
          >
            GM
          </span>
          GPU Market
        </Link>
        <nav aria-label="Main" className="flex items-center gap-1">
          <NavLink href="/market">Market</NavLink>
          <NavLink href="/jobs">Jobs</NavLink>
          <NavLink href="/provider">Provider</NavLink>
        </nav>
        <div className="ml-auto flex items-center gap-4">
          <span className="hidden text-xs text-zinc-500 sm:inline">{chainName}</span>
          <WalletButton />
        </div>
      </div>
    </header>
  );
}
