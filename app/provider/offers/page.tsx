import type { Metadata } from "next";
import { Empty } from "@/components/provider/figure";
import { OfferForm } from "@/components/provider/offer-form";
import { OfferRowActions } from "@/components/provider/offer-row";
import { SignInFirst } from "@/components/provider/sign-in-first";
import { Amount } from "@/components/ui/amount";
import { PageHeader, Panel } from "@/components/ui/page-header";
import { gpuName } from "@/lib/market/gpu-catalog";
import { providerOverview } from "@/lib/services/providers/dashboard";
import { providerContext } from "../context";

export const metadata: Metadata = { title: "Offers" };

const statusTone = {
  active: "bg-emerald-500/15 text-emerald-300",
  paused: "bg-zinc-700/60 text-zinc-300",
  removed: "bg-red-500/15 text-red-300",
} as const;

export default async function OffersPage() {
  const ctx = await providerContext();
  if (!ctx) return <SignInFirst what="Offers" />;
  const { provider, offers } = await providerOverview(ctx.db, ctx.session.address);
  if (!provider) {
    return (
      <Panel title="Register first">
        <p>
          Offers belong to a provider profile. Register on the Overview tab, then list GPUs here.
        </p>
      </Panel>
    );
  }
  return (
    <div className="space-y-8">
      <PageHeader title="Offers">
        What you sell: GPUs at a price per GPU-hour, for jobs between your shortest and longest
        duration. Paused offers keep their running jobs and take no new ones.
      </PageHeader>
      <section aria-labelledby="listed" className="space-y-3">
        <h2 id="listed" className="text-lg font-medium text-zinc-100">
          Listed ({offers.length})
        </h2>
        {offers.length === 0 ? (
          <Empty title="No offers yet">
            List your GPUs below; waiting jobs that fit are placed on them at once.
          </Empty>
        ) : (
          <ul className="space-y-3">
            {offers.map((o) => {
              const leased = o.gpusTotal - o.gpusFree;
              const label = `${gpuName(o.gpuModel)} × ${o.gpusTotal} in ${o.region}`;
              return (
                <li
                  key={o.id}
                  className="rounded-xl border border-zinc-800 p-4"
                  data-testid="offer"
                >
                  <div className="flex flex-wrap items-start justify-between gap-4">
                    <div>
                      <p className="font-medium text-zinc-100">
                        {label}{" "}
                        <span
                          className={`ml-1 rounded-full px-2 py-0.5 text-xs ${statusTone[o.status]}`}
                          data-testid="offer-status"
                        >
                          {o.status}
                        </span>
                      </p>
                      <dl className="mt-2 grid grid-cols-2 gap-x-6 gap-y-1 text-sm sm:grid-cols-4">
                        <div>
                          <dt className="text-xs text-zinc-400">Price</dt>
                          <dd data-testid="offer-price">
                            <Amount wei={o.askWeiPerGpuHour} unit="ETH/GPU-h" />
                          </dd>
                        </div>
                        <div>
                          <dt className="text-xs text-zinc-400">In use</dt>
                          <dd className="tabular-nums">
                            {leased} of {o.gpusTotal} GPUs (
                            {((leased / o.gpusTotal) * 100).toFixed(1)} %)
                          </dd>
                        </div>
                        <div>
                          <dt className="text-xs text-zinc-400">Live leases</dt>
                          <dd className="tabular-nums">
                            {o.liveLeases} ({o.runningLeases} funded or running)
                          </dd>
                        </div>
                        <div>
                          <dt className="text-xs text-zinc-400">Job length</dt>
                          <dd className="tabular-nums" data-testid="offer-hours">
                            {o.minHours}–{o.maxHours} h
                          </dd>
                        </div>
                      </dl>
                    </div>
                    <OfferRowActions
                      label={label}
                      status={o.status}
                      offer={{
                        id: o.id,
                        gpuModel: o.gpuModel,
                        region: o.region,
                        gpusTotal: o.gpusTotal,
                        leased,
                        askWeiPerGpuHour: o.askWeiPerGpuHour.toString(),
                        minHours: o.minHours,
                        maxHours: o.maxHours,
                      }}
                    />
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <Panel title="New offer">
        <OfferForm />
      </Panel>
    </div>
  );
}
