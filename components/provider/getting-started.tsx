import Link from "next/link";
import type { SetupStep } from "@/lib/services/providers/dashboard";
import { formatEth } from "@/lib/web3/amounts";

const order: { step: SetupStep; title: string; why: string; href: string }[] = [
  {
    step: "register",
    title: "Register as a provider",
    why: "Your name and region in the market, and the address of the key your agent signs quotes with.",
    href: "/provider",
  },
  {
    step: "stake",
    title: "Stake at least the minimum",
    why: "Stake backs every job you take: part of it is locked per job and slashed if you never start or lose a dispute.",
    href: "/provider/stake",
  },
  {
    step: "signer",
    title: "Register the agent's signer on chain",
    why: "The contract accepts quotes signed by this key only; your agent signs each job's terms with it.",
    href: "/provider/stake",
  },
  {
    step: "agentKey",
    title: "Create an API key for the agent",
    why: "The node agent uses it to pick up matched jobs and report heartbeats, logs and results.",
    href: "/provider/agent",
  },
  {
    step: "offer",
    title: "List your first offer",
    why: "GPU model, count, region and your price per GPU-hour: buyers are matched to it from then on.",
    href: "/provider/offers",
  },
];

/** The steps from a wallet to a listed, staked provider, each marked done when it is. */
export function GettingStarted({
  steps,
  minStake,
}: {
  steps: Record<SetupStep, boolean>;
  minStake: bigint;
}) {
  const done = order.filter((o) => steps[o.step]).length;
  return (
    <section
      aria-labelledby="getting-started"
      className="rounded-xl border border-emerald-500/30 bg-emerald-500/5 p-6"
    >
      <h2 id="getting-started" className="text-lg font-medium text-zinc-50">
        Getting started <span className="text-sm text-zinc-400">({done} of 5 done)</span>
      </h2>
      <ol className="mt-4 space-y-3">
        {order.map((o) => (
          <li key={o.step} className="flex gap-3" data-testid={`step-${o.step}`}>
            <span
              aria-hidden
              className={`mt-0.5 grid size-5 shrink-0 place-items-center rounded-full text-xs ${
                steps[o.step]
                  ? "bg-emerald-500 text-zinc-950"
                  : "border border-zinc-600 text-zinc-500"
              }`}
            >
              {steps[o.step] ? "✓" : ""}
            </span>
            <div>
              <p className="text-sm font-medium text-zinc-100">
                {o.step === "stake" ? `Stake at least ${formatEth(minStake)} ETH` : o.title}
                <span className="sr-only">{steps[o.step] ? " (done)" : " (to do)"}</span>
                {!steps[o.step] && o.step !== "register" ? (
                  <Link
                    href={o.href}
                    className="ml-2 text-emerald-300 underline-offset-2 hover:underline"
                  >
                    Go
                  </Link>
                ) : null}
              </p>
              <p className="text-xs text-zinc-400">{o.why}</p>
            </div>
          </li>
        ))}
      </ol>
    </section>
  );
}
