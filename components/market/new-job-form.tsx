"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useEffect, useRef, useState } from "react";
import { type FieldErrors, useFieldArray, useForm, useWatch } from "react-hook-form";
import { submitJob } from "@/app/actions/market";
import { quoteJob } from "@/app/jobs/new/actions";
import { Button } from "@/components/ui/button";
import { describedBy, Field, Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { Tabs } from "@/components/ui/tabs";
import { gpuCatalog, regions } from "@/lib/market/gpu-catalog";
import { type JobKind, jobKinds, type SubmitJobInput } from "@/lib/market/schemas";
import type { JobChange } from "@/lib/matching/explain";
import {
  applyChange,
  type JobFormValues,
  jobForm,
  quoteInput,
  quoteTermsOf,
} from "@/lib/services/browse/job-form";
import type { LiveQuote } from "@/lib/services/browse/quote";
import type { JobOutcome } from "@/lib/services/jobs/actions";
import { ExamplePicker } from "./example-picker";
import { exampleJobTemplates, jobTemplates } from "./job-templates";
import { QuotePanel, type QuoteState } from "./quote-panel";
import { SubmittedJob } from "./submitted-job";

const QUOTE_DEBOUNCE_MS = 400;
const vramSteps = ["16", "24", "40", "48", "80", "141", "192"];

function firstError(errors: FieldErrors<JobFormValues>, name: keyof JobFormValues) {
  const e = errors[name] as { message?: string } | undefined;
  return e?.message;
}

/**
 * The New job form: react-hook-form validated by `jobForm`, which is the server's own
 * submitJobInput behind a price-in-ETH field. A debounced live quote follows the placement
 * fields (never the image, command or secrets); secret values are masked, sent once with the
 * submit, then cleared from the form.
 */
export function NewJobForm({
  initial,
  initialQuote = null,
}: {
  initial: JobFormValues;
  /** The live quote for `initial`, worked out with the page (null: the form asks for it). */
  initialQuote?: LiveQuote | null;
}) {
  const form = useForm<JobFormValues, unknown, SubmitJobInput>({
    resolver: zodResolver(jobForm),
    defaultValues: initial,
    mode: "onTouched",
  });
  const { register, control, handleSubmit, reset, setValue, getValues, setError, formState } = form;
  const env = useFieldArray({ control, name: "env" });
  const values = useWatch({ control }) as JobFormValues;
  const [quote, setQuote] = useState<QuoteState>(
    initialQuote ? { kind: "ready", quote: initialQuote } : { kind: "idle", reason: "" },
  );
  const [outcome, setOutcome] = useState<JobOutcome | null>(null);
  const [submitError, setSubmitError] = useState<string | null>(null);
  const idempotencyKey = useRef<string | null>(null);

  // The quote reads only the placement fields; a change to them re-quotes after a pause.
  const placement = quoteTermsOf(values);
  const placementKey = JSON.stringify(placement);
  // The server quoted the starting terms with the page: no request until they change.
  const serverQuoted = useRef(initialQuote ? JSON.stringify(quoteTermsOf(initial)) : null);
  useEffect(() => {
    if (placementKey === serverQuoted.current) return;
    serverQuoted.current = null;
    const parsed = quoteInput.safeParse(JSON.parse(placementKey));
    if (!parsed.success) {
      setQuote({
        kind: "idle",
        reason: "Complete the GPU, price and duration fields to see a quote.",
      });
      return;
    }
    let stale = false;
    setQuote({ kind: "loading" });
    const timer = setTimeout(async () => {
      const result = await quoteJob(JSON.parse(placementKey)).catch(() => null);
      if (stale) return;
      if (!result)
        setQuote({
          kind: "error",
          message: "The quote could not be fetched; retrying on the next change.",
        });
      else if (!result.ok) setQuote({ kind: "error", message: result.message });
      else setQuote({ kind: "ready", quote: result.data });
    }, QUOTE_DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(timer);
    };
  }, [placementKey]);

  // A template replaces the form, except the regions the buyer already chose.
  const fill = (t: JobFormValues) =>
    reset({ ...t, regions: getValues("regions").length ? getValues("regions") : t.regions });
  const chooseTemplate = (kind: JobKind) => fill(jobTemplates[kind].values);
  const chooseExample = (id: string) => {
    const example = exampleJobTemplates.find((e) => e.id === id);
    if (example) fill(example.values);
  };

  const fix = (changes: JobChange[]) => {
    for (const change of changes) {
      const patch = applyChange(getValues(), change);
      for (const [key, value] of Object.entries(patch)) {
        setValue(key as keyof JobFormValues, value as never, {
          shouldDirty: true,
          shouldValidate: true,
        });
      }
    }
  };

  const onSubmit = async (input: SubmitJobInput) => {
    setSubmitError(null);
    idempotencyKey.current ??= crypto.randomUUID();
    const result = await submitJob({ ...input, idempotencyKey: idempotencyKey.current });
    if (!result.ok) {
      setSubmitError(result.message);
      for (const [path, messages] of Object.entries(result.fieldErrors ?? {})) {
        const field = path === "maxPricePerGpuHour" ? "maxPriceEth" : path.split(".")[0];
        if (field && field in initial)
          setError(field as keyof JobFormValues, { message: messages[0] });
      }
      return;
    }
    idempotencyKey.current = null;
    // Secrets are sent once: the form forgets them, and the server never shows them again.
    getValues("env").forEach((e, i) => {
      if (e.secret) setValue(`env.${i}.value`, "");
    });
    setOutcome(result.data);
  };

  const errors = formState.errors;
  const err = (name: keyof JobFormValues) => firstError(errors, name);
  return (
    <div className="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_22rem]">
      <form
        onSubmit={handleSubmit(onSubmit)}
        noValidate
        className="min-w-0 space-y-6"
        aria-label="New job"
      >
        <ExamplePicker onPick={chooseExample} />
        <Tabs
          id="template"
          label="Template"
          items={jobKinds.map((k) => ({ value: k, label: jobTemplates[k].label }))}
          value={values.kind}
          onChange={chooseTemplate}
        />
        <div
          id="template-panel"
          role="tabpanel"
          aria-labelledby={`template-tab-${values.kind}`}
          className="space-y-6"
        >
          <fieldset className="grid gap-4 sm:grid-cols-2">
            <legend className="sr-only">Container</legend>
            <Field
              id="image"
              label="Container image"
              error={err("image")}
              className="sm:col-span-2"
            >
              <Input
                id="image"
                placeholder="ghcr.io/org/app:tag"
                aria-invalid={!!err("image")}
                aria-describedby={describedBy("image", false, !!err("image"))}
                {...register("image")}
              />
            </Field>
            <Field id="command" label="Command" error={err("command")} className="sm:col-span-2">
              <Input
                id="command"
                className="font-mono"
                placeholder="python main.py"
                {...register("command")}
              />
            </Field>
          </fieldset>
          <fieldset className="space-y-2">
            <legend className="text-xs font-medium text-zinc-300">Environment</legend>
            {env.fields.map((f, i) => {
              const secret = values.env?.[i]?.secret ?? false;
              return (
                <div
                  key={f.id}
                  className="grid grid-cols-[minmax(0,1fr)_minmax(0,1fr)_auto_auto] items-center gap-2"
                >
                  <Input
                    aria-label={`Variable ${i + 1} name`}
                    placeholder="NAME"
                    className="font-mono"
                    {...register(`env.${i}.name`)}
                  />
                  <Input
                    aria-label={`Variable ${i + 1} value${secret ? " (secret)" : ""}`}
                    type={secret ? "password" : "text"}
                    autoComplete="off"
                    placeholder={secret ? "secret value" : "value"}
                    {...register(`env.${i}.value`)}
                  />
                  <label className="flex items-center gap-1.5 text-xs text-zinc-300">
                    <input
                      type="checkbox"
                      className="size-4 accent-emerald-500"
                      {...register(`env.${i}.secret`)}
                    />
                    secret
                  </label>
                  <Button
                    variant="ghost"
                    size="sm"
                    onClick={() => env.remove(i)}
                    aria-label={`Remove variable ${i + 1}`}
                  >
                    ✕
                  </Button>
                </div>
              );
            })}
            {errors.env ? (
              <p role="alert" className="text-xs text-red-400">
                {errors.env.message ?? errors.env.root?.message ?? "Check the variables."}
              </p>
            ) : null}
            <Button
              variant="secondary"
              size="sm"
              onClick={() => env.append({ name: "", value: "", secret: false })}
            >
              Add variable
            </Button>
            <p className="text-xs text-zinc-400">
              Secret values are encrypted on the server, handed only to the provider that runs the
              job, and never shown again.
            </p>
          </fieldset>
          <fieldset>
            <legend className="text-xs font-medium text-zinc-300">GPU model (any of)</legend>
            <div className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1.5 sm:grid-cols-3">
              {gpuCatalog.map((g) => (
                <label key={g.id} className="flex items-center gap-2 text-sm text-zinc-300">
                  <input
                    type="checkbox"
                    value={g.id}
                    className="size-4 accent-emerald-500"
                    {...register("gpuModels")}
                  />
                  {g.name}
                </label>
              ))}
            </div>
            {err("gpuModels") ? (
              <p role="alert" className="mt-1 text-xs text-red-400">
                {err("gpuModels")}
              </p>
            ) : null}
          </fieldset>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field id="minVramGb" label="Or any model with at least" error={err("minVramGb")}>
              <Select
                id="minVramGb"
                placeholder="No VRAM minimum"
                options={vramSteps.map((v) => ({ value: v, label: `${v} GB VRAM` }))}
                {...register("minVramGb")}
              />
            </Field>
            <Field id="gpuCount" label="GPUs" error={err("gpuCount")}>
              <Input
                id="gpuCount"
                type="number"
                inputMode="numeric"
                min={1}
                max={64}
                aria-invalid={!!err("gpuCount")}
                {...register("gpuCount")}
              />
            </Field>
            <Field id="maxPriceEth" label="Max price (ETH per GPU-hour)" error={err("maxPriceEth")}>
              <Input
                id="maxPriceEth"
                inputMode="decimal"
                aria-invalid={!!err("maxPriceEth")}
                {...register("maxPriceEth")}
              />
            </Field>
            <Field id="maxHours" label="Maximum duration (hours)" error={err("maxHours")}>
              <Input
                id="maxHours"
                type="number"
                inputMode="numeric"
                min={1}
                max={720}
                aria-invalid={!!err("maxHours")}
                {...register("maxHours")}
              />
            </Field>
          </div>
          <fieldset>
            <legend className="text-xs font-medium text-zinc-300">
              Regions (none checked: any)
            </legend>
            <div className="mt-2 grid grid-cols-2 gap-x-3 gap-y-1.5 sm:grid-cols-4">
              {regions.map((r) => (
                <label key={r} className="flex items-center gap-2 text-sm text-zinc-300">
                  <input
                    type="checkbox"
                    value={r}
                    className="size-4 accent-emerald-500"
                    {...register("regions")}
                  />
                  {r}
                </label>
              ))}
            </div>
          </fieldset>
        </div>
        {submitError ? (
          <p
            role="alert"
            className="rounded-lg border border-red-800 bg-red-950/50 p-3 text-sm text-red-200"
          >
            {submitError}
          </p>
        ) : null}
        <Button type="submit" disabled={formState.isSubmitting} className="w-full sm:w-auto">
          {formState.isSubmitting ? "Submitting…" : "Submit job"}
        </Button>
      </form>
      <aside className="min-w-0 space-y-4 lg:sticky lg:top-6 lg:self-start">
        {outcome ? <SubmittedJob key={outcome.job.id} outcome={outcome} /> : null}
        <QuotePanel state={quote} onFix={fix} />
      </aside>
    </div>
  );
}
