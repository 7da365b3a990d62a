import type { Metadata } from "next";
import { PageHeader, Panel } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Market" };

export default function MarketPage() {
  return (
    <main className="mx-auto max-w-6xl px-6 py-12">
      <PageHeader title="Market">
        GPU offers listed by providers: model, VRAM, GPU count, region, price per GPU-hour and the
        provider's stake and track record. You submit a job here and the matching engine reserves
        the cheapest offer that fits it.
      </PageHeader>
      <div className="grid gap-4 md:grid-cols-2">
        <Panel title="No offers are listed on this marketplace yet">
          <p>
            Offers appear here as soon as a provider lists a GPU. Until then there is nothing to
            match a job against.
          </p>
        </Panel>
        <Panel title="What you can do now">
          <p>
            Connect your wallet and sign in. Signing proves you own the wallet and costs no gas;
            your jobs and escrow payments are tied to that address.
          </p>
        </Panel>
      </div>
    </main>
  );
}
