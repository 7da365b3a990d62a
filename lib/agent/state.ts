import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Hex } from "viem";

/**
 * Where each job the agent took stands, kept in <workDir>/state.json so a restarted agent picks
 * every job up at its step: start acknowledged, ran, result uploaded, submitted.
 */
export type JobPhase = "starting" | "running" | "ran" | "uploaded" | "submitted" | "abandoned";

export type JobState = {
  jobId: string;
  leaseId: string;
  chainJobId: Hex;
  gpuCount: number;
  maxSeconds: number;
  phase: JobPhase;
  startTxHash?: Hex;
  /** When the start was acknowledged: usedSeconds counts from here, across restarts. */
  startedAt?: string;
  runs?: number;
  /** The process group of the current run (process runtime), stopped if a crash left it. */
  pid?: number;
  exitCode?: number;
  usedSeconds?: number;
  resultHash?: Hex;
  submitTxHash?: Hex;
};

export type AgentState = { jobs: Record<string, JobState> };

export class StateFile {
  private state: AgentState;
  readonly file: string;

  constructor(workDir: string) {
    this.file = path.join(workDir, "state.json");
    mkdirSync(workDir, { recursive: true });
    try {
      this.state = JSON.parse(readFileSync(this.file, "utf8")) as AgentState;
    } catch {
      this.state = { jobs: {} };
    }
  }

  get jobs(): JobState[] {
    return Object.values(this.state.jobs);
  }

  job(jobId: string): JobState | undefined {
    return this.state.jobs[jobId];
  }

  /** Writes the whole file through a temporary one, so a crash leaves the old or the new. */
  put(job: JobState): JobState {
    this.state.jobs[job.jobId] = job;
    const temp = `${this.file}.tmp`;
    writeFileSync(temp, JSON.stringify(this.state, null, 2), { mode: 0o600 });
    renameSync(temp, this.file);
    return job;
  }

  update(jobId: string, fields: Partial<JobState>): JobState {
    const job = this.state.jobs[jobId];
    if (!job) throw new Error(`no state for job ${jobId}`);
    return this.put({ ...job, ...fields });
  }
}
