/**
 * Job templates the New job page can offer. `process` templates run anywhere on CPU through the
 * agent's process runtime (the agent sets $AGENT_EXAMPLES to this folder); `docker` templates
 * need a provider with a Docker engine and NVIDIA GPUs (see examples/README.md).
 */
export type JobTemplate = {
  id: string;
  title: string;
  description: string;
  kind: "fine-tune" | "inference" | "training" | "custom";
  runtime: "process" | "docker";
  image: string;
  command: string;
  env: { name: string; value: string }[];
  gpuCount: number;
  /** The least GPU memory to ask for (the CPU examples run on any GPU a provider offers). */
  minVramGb: number;
  maxHours: number;
};

export const jobTemplates: JobTemplate[] = [
  {
    id: "mlp-spirals",
    title: "Train a small MLP (CPU)",
    description:
      "A 2-32-32-1 perceptron trained from scratch on 1,000 synthetic two-spiral points; prints loss and accuracy per epoch, returns the metrics and weights as result.json. Runs on any provider.",
    kind: "training",
    runtime: "process",
    image: "node:20-slim",
    command: 'node "$AGENT_EXAMPLES/mlp-train.mjs"',
    env: [
      { name: "EPOCHS", value: "30" },
      { name: "HIDDEN", value: "32" },
    ],
    gpuCount: 1,
    minVramGb: 8,
    maxHours: 1,
  },
  {
    id: "text-embed",
    title: "Embed a text file (CPU)",
    description:
      "Batch-embeds each line of a text file with latent semantic analysis (TF-IDF and a truncated SVD, no model to download) and returns the nearest documents of a few queries and the embedding file's size and sha256 as result.json. Runs on any provider.",
    kind: "inference",
    runtime: "process",
    image: "node:20-slim",
    command: 'node "$AGENT_EXAMPLES/embed-lsa.mjs"',
    env: [
      { name: "DIMENSIONS", value: "16" },
      { name: "QUERIES", value: "gpu training loss;bake bread in the oven;fish on the coral reef" },
    ],
    gpuCount: 1,
    minVramGb: 8,
    maxHours: 1,
  },
  {
    id: "matmul-burn-in",
    title: "Matrix-multiply burn-in (CPU)",
    description:
      "Multiplies float32 matrices for a fixed time and reports the GFLOPS reached each second: a quick check that a provider runs what it is given.",
    kind: "custom",
    runtime: "process",
    image: "node:20-slim",
    command: 'node "$AGENT_EXAMPLES/matmul-burn-in.mjs"',
    env: [{ name: "DURATION_SECONDS", value: "10" }],
    gpuCount: 1,
    minVramGb: 8,
    maxHours: 1,
  },
  {
    id: "pytorch-finetune",
    title: "Fine-tune with PyTorch (GPU, Docker)",
    description:
      "Fine-tunes a small Hugging Face model with PyTorch on the leased GPUs; needs a provider running the docker runtime.",
    kind: "fine-tune",
    runtime: "docker",
    image: "pytorch/pytorch:2.4.1-cuda12.1-cudnn9-runtime",
    command:
      "pip install -q transformers datasets accelerate && python -c \"import torch; print('GPUs:', torch.cuda.device_count())\" && accelerate launch train.py --output_dir /out",
    env: [{ name: "MODEL", value: "distilbert-base-uncased" }],
    gpuCount: 1,
    minVramGb: 24,
    maxHours: 4,
  },
  {
    id: "vllm-batch",
    title: "Batch inference with vLLM (GPU, Docker)",
    description:
      "Runs a prompt file through an open model with vLLM's offline batch API and writes the completions to /out; needs the docker runtime.",
    kind: "inference",
    runtime: "docker",
    image: "vllm/vllm-openai:v0.6.3",
    command:
      "python3 -c \"from vllm import LLM, SamplingParams; import json, os; llm = LLM(os.environ['MODEL']); outs = llm.generate(open('/out/prompts.txt').read().splitlines(), SamplingParams(max_tokens=256)); json.dump([o.outputs[0].text for o in outs], open('/out/result.json', 'w'))\"",
    env: [{ name: "MODEL", value: "Qwen/Qwen2.5-0.5B-Instruct" }],
    gpuCount: 1,
    minVramGb: 24,
    maxHours: 2,
  },
];
