import type { ReactNode } from "react";
import { ProviderTabs } from "@/components/provider/provider-tabs";
import { isArbiter } from "@/lib/services/chain/arbiter";
import { providerContext } from "./context";

export default async function ProviderLayout({ children }: { children: ReactNode }) {
  const ctx = await providerContext();
  const arbiter = ctx ? await isArbiter(ctx.db, ctx.session.address) : false;
  return (
    <main className="mx-auto max-w-6xl px-4 py-10 sm:px-6">
      <ProviderTabs arbiter={arbiter} />
      {children}
    </main>
  );
}
