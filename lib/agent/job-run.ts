import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { AgentApi, WorkItem } from "./api-client";
import type { Hardware } from "./hardware";
import { LogStream } from "./log-stream";
import type { Runtime } from "./runtimes/types";
import type { JobState, StateFile } from "./state";

/** What running one job needs from the agent. */
export type JobRunContext = {
  api: AgentApi;
  runtime: Runtime;
  hardware: Hardware;
  workDir: string;
  outputCapBytes?: number;
  state: StateFile;
  say: (line: string) => void;
  stopping: () => boolean;
};

export function resultPath(workDir: string, jobId: string) {
  return path.join(workDir, "jobs", jobId, "result.bin");
}

/**
 * Runs a funded job in its directory (again, after a restart mid-run: the process group a crash
 * left is killed first), streams its output to the server, and keeps its result in
 * result.bin and its seconds used (from the start acknowledgement) in the state file.
 */
export async function executeJob(
  ctx: JobRunContext,
  job: JobState,
  item: WorkItem,
  signal: AbortSignal,
): Promise<JobState> {
  if (!item.job) throw new Error("the server sent no job spec for a funded job");
  const dir = path.join(ctx.workDir, "jobs", job.jobId);
  mkdirSync(dir, { recursive: true });
  if (job.pid) stopLeftover(job.pid);
  const runs = (job.runs ?? 0) + 1;
  ctx.state.update(job.jobId, { runs });
  const startedAt = Date.parse(job.startedAt ?? new Date().toISOString());
  const elapsed = Math.floor((Date.now() - startedAt) / 1000);
  const timeoutSeconds = Math.max(job.maxSeconds - elapsed - 5, 1);
  ctx.say(
    `job ${job.jobId}: running${runs > 1 ? ` again (run ${runs}, after a restart)` : ""} with ${ctx.runtime.name}: ${item.job.command || item.job.image}`,
  );
  const logs = new LogStream(
    (text) => ctx.api.logs(job.jobId, text),
    (error) => ctx.say(`job ${job.jobId}: logs no longer taken (${(error as Error).message})`),
  );
  // Said in the job's own log, for its consumer: the run a crash cut off is not resumed (a
  // process cannot be), its output above stays, and its time counts toward the seconds used.
  if (runs > 1) {
    logs.write(
      `[agent] restarted; running the job again (run ${runs}) from the start, ${elapsed} s after it started on chain: the output above is from the run the restart cut off, and that time counts toward the seconds used\n`,
    );
  }
  const outcome = await ctx.runtime.run(
    {
      jobId: job.jobId,
      image: item.job.image,
      command: item.job.command,
      env: item.job.env,
      gpuIndices: ctx.hardware.gpus.slice(0, job.gpuCount).map((g) => g.index),
      dir,
      timeoutSeconds,
      outputCapBytes: ctx.outputCapBytes ?? 1_900_000,
    },
    (text) => logs.write(text),
    signal,
    (pid) => ctx.state.update(job.jobId, { pid }),
  );
  if (signal.aborted) {
    await logs.end();
    throw new Error(
      ctx.stopping() ? "stopped by Ctrl-C; a restarted agent runs it again" : "stopped",
    );
  }
  logs.write(`[agent] exit ${outcome.exitCode} after ${outcome.seconds.toFixed(1)} s\n`);
  await logs.end();
  writeFileSync(
    resultPath(ctx.workDir, job.jobId),
    resultOf(dir, outcome.exitCode, outcome.seconds),
  );
  const usedSeconds = Math.min(
    Math.max(Math.ceil((Date.now() - startedAt) / 1000), 1),
    job.maxSeconds,
  );
  ctx.say(
    `job ${job.jobId}: exit ${outcome.exitCode}${outcome.timedOut ? " (time limit)" : ""} in ${outcome.seconds.toFixed(1)} s`,
  );
  return ctx.state.update(job.jobId, { phase: "ran", exitCode: outcome.exitCode, usedSeconds });
}

/** out/result, result.json or result.txt when the job wrote one, else a JSON summary. */
function resultOf(dir: string, exitCode: number, seconds: number): Uint8Array {
  for (const name of ["result", "result.json", "result.txt"]) {
    const file = path.join(dir, "out", name);
    if (existsSync(file)) return readFileSync(file);
  }
  return new TextEncoder().encode(
    JSON.stringify({ exitCode, seconds: Number(seconds.toFixed(3)) }),
  );
}

/** Kills the process group a crashed agent left running (its job is run again). */
function stopLeftover(pgid: number) {
  try {
    process.kill(-pgid, "SIGKILL");
  } catch {
    // Gone already.
  }
}
