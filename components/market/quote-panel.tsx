"use client";

import { Button } from "@/components/ui/button";
import type { JobChange, StakeExplanation } from "@/lib/matching/explain";
import type { FailureKind } from "@/lib/matching/types";
import type { LiveQuote } from "@/lib/services/browse/quote";
import { count, ethExact, ethShort, percent, shortAddress } from "./format";

export type QuoteState =
  | { kind: "idle"; reason: string }
  | { kind: "loading" }
  | { kind: "error"; message: string }
  | { kind: "ready"; quote: LiveQuote };

const failureWords: Record<FailureKind, string> = {
  model: "another GPU model",
  vram: "too little VRAM",
  region: "another region",
  price: "too expensive",
  capacity: "too few GPUs free",
  duration: "do not allow this duration",
  offline: "provider offline",
};

function hours(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.round((seconds % 3600) / 60);
  return m ? `${h} h ${String(m).padStart(2, "0")} min` : `${h} h`;
}

/** The live quote: the offer the job would get and what it costs, or why nothing fits. */
export function QuotePanel({
  state,
  onFix,
}: {
  state: QuoteState;
  onFix: (changes: JobChange[]) => void;
}) {
  return (
    <section
      aria-labelledby="quote-title"
      className="rounded-xl border border-zinc-800 bg-zinc-900/60 p-5"
      data-testid="live-quote"
    >
      <h2 id="quote-title" className="text-sm font-medium text-zinc-200">
        Live quote
      </h2>
      <div aria-live="polite" className="mt-3 text-sm">
        {state.kind === "idle" ? <p className="text-zinc-400">{state.reason}</p> : null}
        {state.kind === "loading" ? <p className="text-zinc-400">Finding the best offer…</p> : null}
        {state.kind === "error" ? <p className="text-red-300">{state.message}</p> : null}
        {state.kind === "ready" && state.quote.kind === "offer" ? (
          <OfferQuote quote={state.quote} />
        ) : null}
        {state.kind === "ready" && state.quote.kind === "none" ? (
          <NoMatch quote={state.quote} onFix={onFix} />
        ) : null}
      </div>
    </section>
  );
}

function OfferQuote({ quote }: { quote: Extract<LiveQuote, { kind: "offer" }> }) {
  const perHour = quote.ratePerSecond * 3600n;
  return (
    <dl className="space-y-3">
      <div>
        <dt className="text-xs text-zinc-400">Best offer</dt>
        <dd className="text-zinc-100" data-testid="quote-offer">
          {quote.offer.gpuName} ×{quote.gpuCount}, {quote.offer.region}
          <span className="block text-xs text-zinc-400">
            {quote.provider.name} ({shortAddress(quote.provider.address)}) · reliability{" "}
            {percent(quote.offer.reliabilityBps)}
          </span>
        </dd>
      </div>
      <div>
        <dt className="text-xs text-zinc-400">Rate</dt>
        <dd
          className="font-mono text-zinc-100"
          title={`${ethExact(quote.ratePerSecond)} per second`}
        >
          {ethShort(perHour)} ETH/h{" "}
          <span className="text-xs text-zinc-400">
            ({ethShort(quote.offer.askWeiPerGpuHour)} ETH/GPU-h × {quote.gpuCount})
          </span>
        </dd>
      </div>
      <div>
        <dt className="text-xs text-zinc-400">Max cost (the escrow you fund)</dt>
        <dd
          className="font-mono text-lg text-zinc-50"
          title={ethExact(quote.maxCost)}
          data-testid="quote-max-cost"
        >
          {ethShort(quote.maxCost)} ETH{" "}
          <span className="text-xs text-zinc-400">for {hours(quote.maxSeconds)}</span>
        </dd>
        <dd className="text-xs text-zinc-400">
          You pay for the seconds used; the rest of the escrow comes back after the job.
        </dd>
      </div>
      <div>
        <dt className="text-xs text-zinc-400">Provider collateral backing it</dt>
        <dd className="font-mono text-zinc-100" title={ethExact(quote.collateral)}>
          {ethShort(quote.collateral)} ETH
        </dd>
      </div>
    </dl>
  );
}

function NoMatch({
  quote,
  onFix,
}: {
  quote: Extract<LiveQuote, { kind: "none" }>;
  onFix: (changes: JobChange[]) => void;
}) {
  const n = quote.noMatch;
  // describeNoMatch passes the engine's stake explanation through; NoMatchView does not name it.
  const stakeSentence = (n as { stake?: StakeExplanation }).stake?.sentence;
  const reasons = (Object.keys(n.failures) as FailureKind[]).filter((k) => n.failures[k] > 0);
  return (
    <div className="space-y-3" data-testid="no-match">
      <p className="font-medium text-amber-200">
        {n.offersConsidered === 0
          ? "No offers in the markets this job accepts."
          : `0 of ${count(n.offersConsidered)} offers fit this job.`}
      </p>
      {reasons.length ? (
        <ul className="space-y-1 text-zinc-300">
          {reasons.map((k) => (
            <li key={k}>
              <span className="font-mono">{count(n.failures[k])}</span> {failureWords[k]}
            </li>
          ))}
        </ul>
      ) : null}
      {stakeSentence ? <p className="text-zinc-300">{stakeSentence}</p> : null}
      {n.suggestions.length ? (
        <div className="space-y-2">
          <p className="text-xs text-zinc-400">One click changes the form so it fits:</p>
          <div className="flex flex-wrap gap-2">
            {n.suggestions.map((s) => (
              <Button
                key={s.text}
                size="sm"
                variant="secondary"
                wrap
                onClick={() => onFix(s.changes)}
              >
                {s.text.charAt(0).toUpperCase() + s.text.slice(1)}
              </Button>
            ))}
          </div>
        </div>
      ) : (
        <p className="text-zinc-400">
          Submitted as it is, the job waits in the queue and is matched as soon as capacity appears.
        </p>
      )}
    </div>
  );
}
