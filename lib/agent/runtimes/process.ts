import { mkdirSync } from "node:fs";
import path from "node:path";
import { runChild } from "./spawn";
import type { JobSpec, Runtime } from "./types";

/** Where the example jobs live, for commands such as `node "$AGENT_EXAMPLES/mlp-train.mjs"`. */
export const EXAMPLES_DIR = path.join(
  process.env.GPU_MARKET_ROOT ?? path.resolve(import.meta.dirname, "../../.."),
  "examples",
);

/**
 * The environment a process job sees: nothing of the agent's own (no keys, no tokens), only a
 * PATH, its home and output directories, the GPUs it was given, and the job's own variables.
 */
export function processEnv(spec: JobSpec, hostPath = process.env.PATH ?? "/usr/bin:/bin") {
  const out = path.join(spec.dir, "out");
  return {
    PATH: hostPath,
    HOME: spec.dir,
    TMPDIR: path.join(spec.dir, "tmp"),
    LANG: "C.UTF-8",
    JOB_ID: spec.jobId,
    OUTPUT_DIR: out,
    AGENT_EXAMPLES: EXAMPLES_DIR,
    CUDA_VISIBLE_DEVICES: spec.gpuIndices.join(","),
    ...spec.env,
  };
}

/** Runs the job's command with `sh -c` in its directory: timeout, output cap, clean env. */
export const processRuntime: Runtime = {
  name: "process",
  async run(spec, onOutput, signal, onStart) {
    mkdirSync(path.join(spec.dir, "out"), { recursive: true });
    mkdirSync(path.join(spec.dir, "tmp"), { recursive: true });
    return runChild(
      "/bin/sh",
      ["-c", spec.command],
      { cwd: spec.dir, env: processEnv(spec) },
      spec,
      onOutput,
      signal,
      onStart,
    );
  },
};
