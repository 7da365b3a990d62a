import { spawn } from "node:child_process";
import type { JobSpec, RunOutcome } from "./types";

/** A job's process, killed with its group on timeout or abort, its output capped. */
export function runChild(
  file: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
  spec: Pick<JobSpec, "timeoutSeconds" | "outputCapBytes">,
  onOutput: (text: string) => void,
  signal: AbortSignal,
  onStart?: (pid: number) => void,
): Promise<RunOutcome> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
      // Its own process group, so a timeout kills what it started too.
      detached: true,
    });
    if (child.pid) onStart?.(child.pid);
    let forwarded = 0;
    let dropped = 0;
    let timedOut = false;
    const forward = (chunk: Buffer) => {
      const room = spec.outputCapBytes - forwarded;
      if (room <= 0) {
        dropped += chunk.byteLength;
        return;
      }
      const part = chunk.byteLength > room ? chunk.subarray(0, room) : chunk;
      forwarded += part.byteLength;
      dropped += chunk.byteLength - part.byteLength;
      onOutput(part.toString("utf8"));
      if (forwarded >= spec.outputCapBytes) {
        onOutput(
          `\n[agent] output cap of ${spec.outputCapBytes} bytes reached; the rest is not kept\n`,
        );
      }
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    const kill = (sig: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        // Already gone.
      }
    };
    const stop = () => {
      kill("SIGTERM");
      setTimeout(() => kill("SIGKILL"), 5_000).unref();
    };
    const timer = setTimeout(() => {
      timedOut = true;
      onOutput(`\n[agent] time limit of ${spec.timeoutSeconds} s reached; stopping the job\n`);
      stop();
    }, spec.timeoutSeconds * 1000);
    signal.addEventListener("abort", stop, { once: true });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, sig) => {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
      resolve({
        exitCode: timedOut ? 124 : (code ?? (sig ? 128 + 15 : 1)),
        timedOut,
        seconds: (performance.now() - started) / 1000,
        droppedBytes: dropped,
      });
    });
  });
}
