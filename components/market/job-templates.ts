import { jobTemplates as examples, type JobTemplate } from "@/examples/templates";
import type { JobKind } from "@/lib/market/schemas";
import type { JobFormValues } from "@/lib/services/browse/job-form";

/** What each kind of job usually needs; a starting point the buyer edits. */
export const jobTemplates: Record<JobKind, { label: string; values: JobFormValues }> = {
  "fine-tune": {
    label: "Fine-tune",
    values: {
      kind: "fine-tune",
      image: "huggingface/transformers-pytorch-gpu:4.41.2",
      command: "python finetune.py --model meta-llama/Llama-3.1-8B --epochs 3",
      env: [{ name: "HF_TOKEN", value: "", secret: true }],
      gpuModels: ["h100-80gb"],
      minVramGb: "",
      gpuCount: "1",
      regions: [],
      maxPriceEth: "0.0015",
      maxHours: "8",
    },
  },
  inference: {
    label: "Batch inference",
    values: {
      kind: "inference",
      image: "vllm/vllm-openai:v0.5.0",
      command: "python batch.py --model mistralai/Mistral-7B-Instruct-v0.3 --input prompts.jsonl",
      env: [],
      gpuModels: [],
      minVramGb: "24",
      gpuCount: "1",
      regions: [],
      maxPriceEth: "0.0005",
      maxHours: "4",
    },
  },
  training: {
    label: "Training run",
    values: {
      kind: "training",
      image: "nvcr.io/nvidia/pytorch:24.05-py3",
      command: "torchrun --nproc_per_node 8 train.py --config configs/base.yaml",
      env: [{ name: "WANDB_API_KEY", value: "", secret: true }],
      gpuModels: ["h100-80gb", "h200-141gb"],
      minVramGb: "",
      gpuCount: "8",
      regions: [],
      maxPriceEth: "0.0015",
      maxHours: "24",
    },
  },
  custom: {
    label: "Custom container",
    values: {
      kind: "custom",
      image: "",
      command: "",
      env: [],
      gpuModels: [],
      minVramGb: "16",
      gpuCount: "1",
      regions: [],
      maxPriceEth: "0.0005",
      maxHours: "1",
    },
  },
};

/** An example job from examples/templates.ts as the New job form's values. */
export function exampleFormValues(template: JobTemplate): JobFormValues {
  return {
    kind: template.kind,
    image: template.image,
    command: template.command,
    env: template.env.map((e) => ({ ...e, secret: false })),
    gpuModels: [],
    minVramGb: String(template.minVramGb),
    gpuCount: String(template.gpuCount),
    regions: [],
    maxPriceEth: "0.0005",
    maxHours: String(template.maxHours),
  };
}

/**
 * The repository's example jobs (examples/templates.ts, the one list), for the New job page to
 * offer beside the kinds above: the CPU examples run through any provider's agent (process
 * runtime); the docker ones need a provider running the docker runtime on NVIDIA GPUs.
 */
export const exampleJobTemplates: {
  id: string;
  title: string;
  description: string;
  runtime: JobTemplate["runtime"];
  values: JobFormValues;
}[] = examples.map((t) => ({
  id: t.id,
  title: t.title,
  description: t.description,
  runtime: t.runtime,
  values: exampleFormValues(t),
}));
