import Link from "next/link";

const steps = [
  {
    title: "Describe the job",
    text: "A container image, the GPU model or minimum VRAM, how many GPUs, the region and the most you will pay per GPU-hour.",
  },
  {
    title: "Matched and escrowed",
    text: "The matching engine picks the cheapest fitting offer. You fund the job into escrow in the ComputeMarket contract; the provider's stake backs its promise.",
  },
  {
    title: "Pay for seconds used",
    text: "The provider's node runs the job and commits a result hash on chain. After the challenge window the provider is paid for the seconds used and the rest of the escrow returns to you.",
  },
];

export default function HomePage() {
  return (
    <main className="mx-auto max-w-6xl px-6 py-16">
      <section className="max-w-3xl">
        <p className="text-sm font-medium text-emerald-400">Decentralized compute for AI</p>
        <h1 className="mt-3 text-4xl font-semibold tracking-tight text-zinc-50 sm:text-5xl">
          GPU compute for AI, paid by the second
        </h1>
        <p className="mt-5 text-lg leading-8 text-zinc-400">
          Fine-tune, run batch inference or train on GPUs listed by independent providers. Payment
          waits in escrow on Arbitrum until the work is done; providers stake collateral that is
          slashed if they do not deliver.
        </p>
        <div className="mt-8 flex flex-wrap gap-3">
          <Link
            href="/market"
            className="rounded-lg bg-emerald-500 px-4 py-2.5 text-sm font-medium text-zinc-950 hover:bg-emerald-400"
          >
            Browse the market
          </Link>
          <Link
            href="/provider"
            className="rounded-lg border border-zinc-700 px-4 py-2.5 text-sm text-zinc-200 hover:border-zinc-500"
          >
            Offer your GPUs
          </Link>
        </div>
      </section>
      <section aria-label="How it works" className="mt-20 grid gap-4 md:grid-cols-3">
        {steps.map((step, i) => (
          <div key={step.title} className="rounded-xl border border-zinc-800 bg-zinc-900/40 p-6">
            <p className="font-mono text-xs text-zinc-500">0{i + 1}</p>
            <h2 className="mt-2 font-medium text-zinc-100">{step.title}</h2>
            <p className="mt-2 text-sm leading-6 text-zinc-400">{step.text}</p>
          </div>
        ))}
      </section>
    </main>
  );
}
