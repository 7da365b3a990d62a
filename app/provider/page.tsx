import type { Metadata } from "next";
import { PageHeader, Panel } from "@/components/ui/page-header";

export const metadata: Metadata = { title: "Provider" };

export default function ProviderPage() {
  return (
    <main className="mx-auto max-w-6xl px-6 py-12">
      <PageHeader title="Provider">
        For GPU owners: your stake, your offers, the jobs your machines are running, and your
        earnings ready to claim from the ComputeMarket contract.
      </PageHeader>
      <div className="grid gap-4 md:grid-cols-3">
        <Panel title="1. Stake">
          <p>
            Collateral in the contract backs every job you accept and is slashed if a funded job
            gets no result.
          </p>
        </Panel>
        <Panel title="2. List GPUs">
          <p>Each offer names the GPU model, VRAM, count, region and your price per GPU-hour.</p>
        </Panel>
        <Panel title="3. Run the node agent">
          <p>
            The agent on your GPU machine picks up matched jobs, runs them and submits result hashes
            with its own signer key.
          </p>
        </Panel>
      </div>
      <p className="mt-8 text-sm text-zinc-400">
        Start by connecting the wallet you will stake from and signing in.
      </p>
    </main>
  );
}
