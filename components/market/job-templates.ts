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
