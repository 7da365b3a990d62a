import { mkdirSync } from "node:fs";
import path from "node:path";
import { runChild } from "./spawn";
import type { JobSpec, Runtime } from "./types";

export type DockerLimits = { memoryMb?: number; cpus?: number; pidsLimit?: number };

/** `docker pull <image>`. */
export function dockerPullArgs(spec: Pick<JobSpec, "image">): string[] {
  return ["pull", "--quiet", spec.image];
}

/**
 * `docker run` for one job: removed on exit, named after the job (so a restarted agent can find
 * or stop it), the job's GPUs only, its env, /out mounted from the job directory, no new
 * privileges, memory, CPU and process limits, and the command through `sh -c` when one is given
 * (else the image's own entrypoint). The timeout is enforced by the agent (docker kill).
 */
export function dockerRunArgs(spec: JobSpec, limits: DockerLimits = {}): string[] {
  const args = ["run", "--rm", "--name", containerName(spec.jobId), "--init"];
  if (spec.gpuIndices.length > 0) args.push("--gpus", `"device=${spec.gpuIndices.join(",")}"`);
  args.push("--security-opt", "no-new-privileges");
  if (limits.memoryMb) args.push("--memory", `${limits.memoryMb}m`);
  if (limits.cpus) args.push("--cpus", String(limits.cpus));
  args.push("--pids-limit", String(limits.pidsLimit ?? 4096));
  args.push("-v", `${path.join(spec.dir, "out")}:/out`, "-e", "OUTPUT_DIR=/out");
  args.push("-e", `JOB_ID=${spec.jobId}`);
  for (const [name, value] of Object.entries(spec.env)) args.push("-e", `${name}=${value}`);
  args.push(spec.image);
  if (spec.command.trim()) args.push("sh", "-c", spec.command);
  return args;
}

export function containerName(jobId: string): string {
  return `gpu-market-job-${jobId}`;
}

/** Pulls the image, then runs it; output and limits as the process runtime. */
export function dockerRuntime(limits: DockerLimits = {}, docker = "docker"): Runtime {
  return {
    name: "docker",
    async run(spec, onOutput, signal) {
      mkdirSync(path.join(spec.dir, "out"), { recursive: true });
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: spec.dir };
      const quiet = { timeoutSeconds: 60, outputCapBytes: 4096 };
      const never = new AbortController().signal;
      // A container a crashed agent left behind is removed; its job runs again.
      await runChild(
        docker,
        ["rm", "-f", containerName(spec.jobId)],
        { cwd: spec.dir, env },
        quiet,
        () => undefined,
        never,
      ).catch(() => undefined);
      const pull = await runChild(
        docker,
        dockerPullArgs(spec),
        { cwd: spec.dir, env },
        spec,
        onOutput,
        signal,
      );
      if (pull.exitCode !== 0) {
        onOutput(`[agent] docker pull ${spec.image} failed (exit ${pull.exitCode})\n`);
        return pull;
      }
      const outcome = await runChild(
        docker,
        dockerRunArgs(spec, limits),
        { cwd: spec.dir, env },
        spec,
        onOutput,
        signal,
      );
      if (outcome.timedOut) {
        await runChild(
          docker,
          ["kill", containerName(spec.jobId)],
          { cwd: spec.dir, env },
          { timeoutSeconds: 30, outputCapBytes: 4096 },
          () => undefined,
          new AbortController().signal,
        ).catch(() => undefined);
      }
      return outcome;
    },
  };
}
