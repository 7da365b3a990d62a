import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerPullArgs, dockerRunArgs } from "./docker";
import { processRuntime } from "./process";
import type { JobSpec } from "./types";

function spec(fields: Partial<JobSpec> = {}): JobSpec {
  return {
    jobId: "3f1c8f2e-0000-4000-8000-000000000001",
    image: "ghcr.io/acme/trainer:1.0",
    command: "echo hello",
    env: { EPOCHS: "3" },
    gpuIndices: [],
    dir: mkdtempSync(path.join(os.tmpdir(), "agent-job-")),
    timeoutSeconds: 30,
    outputCapBytes: 1 << 20,
    ...fields,
  };
}

async function run(s: JobSpec) {
  let output = "";
  const outcome = await processRuntime.run(
    s,
    (t) => {
      output += t;
    },
    new AbortController().signal,
  );
  return { outcome, output };
}

describe("process runtime", () => {
  it("runs the command in the job directory with only the job's environment", async () => {
    process.env.AGENT_SECRET_FOR_TEST = "must not leak";
    const s = spec({
      command:
        // biome-ignore lint/suspicious/noTemplateCurlyInString: shell syntax, not a template
        'pwd; echo "E=$EPOCHS S=${AGENT_SECRET_FOR_TEST:-none}"; echo ok > "$OUTPUT_DIR/result"',
    });
    const { outcome, output } = await run(s);
    expect(outcome).toMatchObject({ exitCode: 0, timedOut: false });
    expect(output).toContain(s.dir);
    expect(output).toContain("E=3 S=none");
    expect(readFileSync(path.join(s.dir, "out", "result"), "utf8")).toBe("ok\n");
  });

  it("stops a job past its time limit, with what it started, and says so", async () => {
    const s = spec({ command: `sleep 30 & echo $! > child.pid; wait`, timeoutSeconds: 1 });
    const { outcome, output } = await run(s);
    expect(outcome).toMatchObject({ exitCode: 124, timedOut: true });
    expect(output).toContain("time limit of 1 s");
    const pid = Number(readFileSync(path.join(s.dir, "child.pid"), "utf8"));
    await new Promise((r) => setTimeout(r, 200));
    // Gone, or a zombie waiting for whoever reaps orphans here: either way no longer running.
    const state = existsSync(`/proc/${pid}/stat`)
      ? readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0]
      : "gone";
    expect(["gone", "Z"]).toContain(state);
  });

  it("keeps output up to its cap and counts the rest", async () => {
    const { outcome, output } = await run(
      spec({ command: "head -c 5000 /dev/zero | tr '\\0' x", outputCapBytes: 1000 }),
    );
    expect(output.split("x").length - 1).toBe(1000);
    expect(output).toContain("output cap of 1000 bytes");
    expect(outcome.droppedBytes).toBe(4000);
  });

  it("reports a failing command's exit code", async () => {
    expect((await run(spec({ command: "exit 3" }))).outcome.exitCode).toBe(3);
  });
});

describe("docker runtime command", () => {
  it("pulls, then runs the image with its GPUs, env, /out, limits and the command", () => {
    const s = spec({ gpuIndices: [0, 2], env: { EPOCHS: "3", HF_TOKEN: "t" } });
    expect(dockerPullArgs(s)).toEqual(["pull", "--quiet", "ghcr.io/acme/trainer:1.0"]);
    expect(dockerRunArgs(s, { memoryMb: 16_000, cpus: 8 })).toEqual([
      "run",
      "--rm",
      "--name",
      `gpu-market-job-${s.jobId}`,
      "--init",
      "--gpus",
      '"device=0,2"',
      "--security-opt",
      "no-new-privileges",
      "--memory",
      "16000m",
      "--cpus",
      "8",
      "--pids-limit",
      "4096",
      "-v",
      `${path.join(s.dir, "out")}:/out`,
      "-e",
      "OUTPUT_DIR=/out",
      "-e",
      `JOB_ID=${s.jobId}`,
      "-e",
      "EPOCHS=3",
      "-e",
      "HF_TOKEN=t",
      "ghcr.io/acme/trainer:1.0",
      "sh",
      "-c",
      "echo hello",
    ]);
  });

  it("asks for no GPU when the job has none and keeps the image's entrypoint without a command", () => {
    const args = dockerRunArgs(spec({ command: "  " }));
    expect(args).not.toContain("--gpus");
    expect(args.at(-1)).toBe("ghcr.io/acme/trainer:1.0");
  });
});
