"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

const tabs = [
  { href: "/provider", label: "Overview" },
  { href: "/provider/stake", label: "Stake" },
  { href: "/provider/offers", label: "Offers" },
  { href: "/provider/agent", label: "Agent keys" },
  { href: "/provider/earnings", label: "Earnings" },
  { href: "/provider/jobs", label: "Jobs served" },
  { href: "/provider/missed", label: "Missed matches" },
] as const;

/** The provider's sections; the arbiter's desk only for the arbiter's address. */
export function ProviderTabs({ arbiter }: { arbiter: boolean }) {
  const pathname = usePathname();
  const all = arbiter ? [...tabs, { href: "/provider/arbiter", label: "Arbiter" }] : tabs;
  return (
    <nav aria-label="Provider" className="-mx-1 mb-8 flex gap-1 overflow-x-auto pb-1">
      {all.map((t) => {
        const active = pathname === t.href;
        return (
          <Link
            key={t.href}
            href={t.href}
            aria-current={active ? "page" : undefined}
            className={`shrink-0 rounded-md px-3 py-2 text-sm whitespace-nowrap transition focus-visible:outline-2 focus-visible:outline-emerald-400 ${
              active
                ? "bg-zinc-800 text-zinc-50"
                : "text-zinc-400 hover:bg-zinc-900 hover:text-zinc-100"
            }`}
          >
            {t.label}
          </Link>
        );
      })}
    </nav>
  );
}
