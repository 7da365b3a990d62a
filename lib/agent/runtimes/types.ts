/** What a runtime needs to run one job, and what it reports. */
export type JobSpec = {
  jobId: string;
  image: string;
  command: string;
  env: Record<string, string>;
  gpuIndices: number[];
  /** The job's directory (created by the agent); outputs go to <dir>/out. */
  dir: string;
  timeoutSeconds: number;
  /** Stop forwarding output past this many bytes (the server caps a job's logs). */
  outputCapBytes: number;
};

export type RunOutcome = {
  exitCode: number;
  timedOut: boolean;
  seconds: number;
  /** Bytes of output dropped past the cap. */
  droppedBytes: number;
};

export type Runtime = {
  name: "process" | "docker";
  /** `onStart` gets the process group id, so a restarted agent can stop what its crash left. */
  run(
    spec: JobSpec,
    onOutput: (text: string) => void,
    signal: AbortSignal,
    onStart?: (pid: number) => void,
  ): Promise<RunOutcome>;
};
