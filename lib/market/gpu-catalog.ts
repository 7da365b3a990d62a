/**
 * The GPUs the market knows. This list is the one source: zod validates offers and jobs against
 * it, and the migration that seeds `gpu_models` was written from it (a db test checks they agree).
 * TFLOPS are the vendor's dense BF16/FP16 tensor figures, used for $/TFLOPS when an offer has
 * not been benchmarked.
 */
export const gpuCatalog = [
  { id: "h200-141gb", name: "H200 141GB", vendor: "nvidia", vramGb: 141, tflops: 989 },
  { id: "h100-80gb", name: "H100 80GB", vendor: "nvidia", vramGb: 80, tflops: 989 },
  { id: "a100-80gb", name: "A100 80GB", vendor: "nvidia", vramGb: 80, tflops: 312 },
  { id: "a100-40gb", name: "A100 40GB", vendor: "nvidia", vramGb: 40, tflops: 312 },
  { id: "l40s-48gb", name: "L40S 48GB", vendor: "nvidia", vramGb: 48, tflops: 362 },
  { id: "rtx4090-24gb", name: "RTX 4090 24GB", vendor: "nvidia", vramGb: 24, tflops: 165 },
  { id: "rtx3090-24gb", name: "RTX 3090 24GB", vendor: "nvidia", vramGb: 24, tflops: 71 },
  { id: "a10-24gb", name: "A10 24GB", vendor: "nvidia", vramGb: 24, tflops: 125 },
  { id: "t4-16gb", name: "T4 16GB", vendor: "nvidia", vramGb: 16, tflops: 65 },
  { id: "mi300x-192gb", name: "MI300X 192GB", vendor: "amd", vramGb: 192, tflops: 1307 },
] as const;

export type GpuModelId = (typeof gpuCatalog)[number]["id"];
export type GpuModel = (typeof gpuCatalog)[number];

export const gpuModelIds = gpuCatalog.map((g) => g.id) as [GpuModelId, ...GpuModelId[]];

const byId = new Map<string, GpuModel>(gpuCatalog.map((g) => [g.id, g]));

export function gpuModel(id: string): GpuModel | undefined {
  return byId.get(id);
}

export function gpuName(id: string): string {
  return byId.get(id)?.name ?? id;
}

/** Models with at least this much memory per GPU. */
export function modelsWithVram(minVramGb: number): GpuModelId[] {
  return gpuCatalog.filter((g) => g.vramGb >= minVramGb).map((g) => g.id);
}

export const regions = [
  "us-east",
  "us-west",
  "eu-west",
  "eu-central",
  "ap-northeast",
  "ap-southeast",
  "sa-east",
] as const;

export type Region = (typeof regions)[number];

/** The Citus distribution key: one market per (GPU model, region). */
export function marketKey(gpuModelId: string, region: string): string {
  return `${gpuModelId}/${region}`;
}

/** A market key's GPU model and region (the inverse of `marketKey`). */
export function marketParts(market: string): { gpuModel: string; region: string } {
  const slash = market.indexOf("/");
  if (slash < 0) throw new Error(`not a market key: ${market}`);
  return { gpuModel: market.slice(0, slash), region: market.slice(slash + 1) };
}
