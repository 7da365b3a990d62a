import { execFile } from "node:child_process";
import { promisify } from "node:util";

export type Benchmark = { tflops: number; device: "gpu" | "cpu"; detail: string };

/**
 * Multiplies two n x n float32 matrices in JavaScript (i-k-j loop order, so the inner loop walks
 * memory in order) until `minMs` have passed, and reports the rate: 2 n^3 floating-point
 * operations per product. A CPU figure, single-threaded, and labelled as such.
 */
export function cpuMatmulBenchmark(n = 192, minMs = 300): Benchmark {
  const a = new Float32Array(n * n);
  const b = new Float32Array(n * n);
  const c = new Float32Array(n * n);
  for (let i = 0; i < n * n; i++) {
    a[i] = ((i * 7) % 13) / 13;
    b[i] = ((i * 11) % 17) / 17;
  }
  let products = 0;
  const started = performance.now();
  do {
    c.fill(0);
    for (let i = 0; i < n; i++) {
      const row = i * n;
      for (let k = 0; k < n; k++) {
        const aik = a[row + k] as number;
        const col = k * n;
        for (let j = 0; j < n; j++)
          c[row + j] = (c[row + j] as number) + aik * (b[col + j] as number);
      }
    }
    products += 1;
  } while (performance.now() - started < minMs);
  const seconds = (performance.now() - started) / 1000;
  const flops = (2 * n ** 3 * products) / seconds;
  // Touch the result so the work cannot be optimised away.
  if (Number.isNaN(c[0])) throw new Error("matmul produced NaN");
  return {
    tflops: flops / 1e12,
    device: "cpu",
    detail: `CPU, JavaScript float32 ${n}x${n} matmul, 1 thread, ${products} products in ${seconds.toFixed(2)} s`,
  };
}

const run = promisify(execFile);

/** A float16 8192x8192 matmul on the first GPU through PyTorch, when python3 has torch with CUDA. */
const TORCH_SCRIPT = `
import time, torch
assert torch.cuda.is_available()
n = 8192
a = torch.randn(n, n, device="cuda", dtype=torch.float16)
b = torch.randn(n, n, device="cuda", dtype=torch.float16)
for _ in range(3): a @ b
torch.cuda.synchronize()
reps = 20
t = time.perf_counter()
for _ in range(reps): a @ b
torch.cuda.synchronize()
s = time.perf_counter() - t
print(2 * n**3 * reps / s / 1e12, torch.cuda.get_device_name(0))
`;

/** The GPU's measured TFLOPS through PyTorch, or undefined when there is no way to run it. */
export async function gpuMatmulBenchmark(python = "python3"): Promise<Benchmark | undefined> {
  try {
    const { stdout } = await run(python, ["-c", TORCH_SCRIPT], { timeout: 120_000 });
    const [value, ...name] = stdout.trim().split(" ");
    const tflops = Number(value);
    if (!Number.isFinite(tflops) || tflops <= 0) return undefined;
    return {
      tflops,
      device: "gpu",
      detail: `GPU (${name.join(" ")}), PyTorch float16 8192x8192 matmul`,
    };
  } catch {
    return undefined;
  }
}

/** On the GPU when there is one and a way to use it (real GPUs, PyTorch), else on the CPU. */
export async function benchmark(options: { realGpus: boolean }): Promise<Benchmark> {
  if (options.realGpus) {
    const gpu = await gpuMatmulBenchmark();
    if (gpu) return gpu;
  }
  return cpuMatmulBenchmark();
}
