import type { Metadata } from "next";
import { jobTemplates } from "@/components/market/job-templates";
import { NewJobForm } from "@/components/market/new-job-form";
import { getDb } from "@/db";
import { parseEth } from "@/lib/market/eth";
import { gpuModel, regions } from "@/lib/market/gpu-catalog";
import { jobKinds } from "@/lib/market/schemas";
import { type JobFormValues, quoteInput, quoteTermsOf } from "@/lib/services/browse/job-form";
import { type LiveQuote, liveQuote } from "@/lib/services/browse/quote";

export const metadata: Metadata = { title: "New job" };

type Params = Record<string, string | string[] | undefined>;
const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";

/**
 * The starting values: a template (`?template=`), then an offer's terms from the market's "Use"
 * link (`?model=&region=&maxPrice=&gpus=`), each taken only when it is one the form accepts.
 */
function initialValues(params: Params): JobFormValues {
  const kind = jobKinds.find((k) => k === one(params.template)) ?? "fine-tune";
  const values = { ...jobTemplates[kind].values };
  const model = one(params.model);
  if (gpuModel(model)) {
    values.gpuModels = [model];
    values.minVramGb = "";
  }
  const region = one(params.region);
  if ((regions as readonly string[]).includes(region)) values.regions = [region];
  const price = one(params.maxPrice);
  if (parseEth(price)) values.maxPriceEth = price;
  const gpus = Number(one(params.gpus));
  if (Number.isInteger(gpus) && gpus >= 1 && gpus <= 64) values.gpuCount = String(gpus);
  return values;
}

/**
 * The quote for the starting terms, with the page, so it shows at first paint instead of after
 * a request from the browser; null (the form asks) when the terms are incomplete or it fails.
 */
async function firstQuote(initial: JobFormValues): Promise<LiveQuote | null> {
  const input = quoteInput.safeParse(quoteTermsOf(initial));
  if (!input.success) return null;
  return liveQuote(await getDb(), input.data).catch(() => null);
}

export default async function NewJobPage({ searchParams }: { searchParams: Promise<Params> }) {
  const initial = initialValues(await searchParams);
  const initialQuote = await firstQuote(initial);
  return (
    <main className="mx-auto max-w-6xl px-4 py-8 sm:px-6">
      <h1 className="text-2xl font-semibold tracking-tight text-zinc-50">New job</h1>
      <p className="mt-1 max-w-3xl text-sm text-zinc-400">
        Describe the container and the GPUs it needs. The quote on the right follows every change;
        submitting reserves the offer, then you fund the escrow from your wallet.
      </p>
      <NewJobForm initial={initial} initialQuote={initialQuote} />
    </main>
  );
}
