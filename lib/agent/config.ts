import { readFileSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { text } from "@/lib/validation/text";

/** Everything the agent is told: flags win over environment, environment over the file. */
export const agentConfigSchema = z.object({
  server: z.url().default("http://localhost:3000"),
  apiKey: text().regex(/^gmk_[A-Za-z0-9_-]{43}$/, "an API key from the Provider page (gmk_...)"),
  workDir: text().min(1).default(".data/agent"),
  /** Defaults to <workDir>/signer.key. */
  keyFile: text().min(1).optional(),
  runtime: z.enum(["process", "docker"]).default("process"),
  /** How many of the detected GPUs to offer; all by default. */
  gpus: z.coerce.number().int().min(0).optional(),
  /** Pretend to have this many GPUs (demos, tests): labelled as simulated everywhere. */
  simulateGpus: z.coerce.number().int().min(0).max(64).default(0),
  /** The chain's RPC; the server's answer is used when absent. */
  rpcUrl: z.url().optional(),
  /** Skip the start-up benchmark (tests). */
  noBenchmark: z.boolean().default(false),
});
export type AgentConfig = z.infer<typeof agentConfigSchema> & { keyFile: string };

const FLAGS = {
  config: { type: "string" },
  server: { type: "string" },
  "api-key": { type: "string" },
  "work-dir": { type: "string" },
  "key-file": { type: "string" },
  runtime: { type: "string" },
  gpus: { type: "string" },
  "simulate-gpus": { type: "string" },
  "rpc-url": { type: "string" },
  "no-benchmark": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const ENV: Record<string, keyof z.input<typeof agentConfigSchema>> = {
  AGENT_SERVER_URL: "server",
  AGENT_API_KEY: "apiKey",
  AGENT_WORK_DIR: "workDir",
  AGENT_KEY_FILE: "keyFile",
  AGENT_RUNTIME: "runtime",
  AGENT_GPUS: "gpus",
  AGENT_SIMULATE_GPUS: "simulateGpus",
  AGENT_RPC_URL: "rpcUrl",
};

export const USAGE = `gpu-market-agent: runs marketplace jobs on this machine

  npm run agent -- --api-key gmk_... [options]

  --server URL          the marketplace (AGENT_SERVER_URL; default http://localhost:3000)
  --api-key KEY         the agent API key from the Provider page (AGENT_API_KEY)
  --work-dir DIR        job directories and the state file (AGENT_WORK_DIR; default .data/agent)
  --key-file FILE       the signer key, created on first run (AGENT_KEY_FILE; default <work-dir>/signer.key)
  --runtime R           process | docker (AGENT_RUNTIME; default process)
  --gpus N              offer N of the detected GPUs (AGENT_GPUS; default all)
  --simulate-gpus N     pretend to have N GPUs, labelled simulated (AGENT_SIMULATE_GPUS)
  --rpc-url URL         the chain's RPC (AGENT_RPC_URL; default: what the server says)
  --config FILE         a JSON file with any of: server, apiKey, workDir, keyFile, runtime, gpus,
                        simulateGpus, rpcUrl
  --no-benchmark        skip the start-up matmul benchmark
`;

export class ConfigError extends Error {}

/** The agent's configuration from argv, the environment and an optional JSON file. */
export function loadConfig(
  argv: string[],
  environment: Record<string, string | undefined>,
): AgentConfig | "help" {
  const { values } = parseArgs({ args: argv, options: FLAGS, strict: true });
  if (values.help) return "help";
  let file: Record<string, unknown> = {};
  const configPath = values.config ?? environment.AGENT_CONFIG;
  if (configPath) {
    try {
      file = JSON.parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(
        `Cannot read the config file ${configPath}: ${(error as Error).message}`,
      );
    }
  }
  const fromEnv: Record<string, unknown> = {};
  for (const [name, key] of Object.entries(ENV)) {
    if (environment[name] !== undefined && environment[name] !== "")
      fromEnv[key] = environment[name];
  }
  const fromFlags: Record<string, unknown> = {
    server: values.server,
    apiKey: values["api-key"],
    workDir: values["work-dir"],
    keyFile: values["key-file"],
    runtime: values.runtime,
    gpus: values.gpus,
    simulateGpus: values["simulate-gpus"],
    rpcUrl: values["rpc-url"],
    noBenchmark: values["no-benchmark"],
  };
  const merged = { ...file, ...fromEnv };
  for (const [key, value] of Object.entries(fromFlags))
    if (value !== undefined) merged[key] = value;
  const parsed = agentConfigSchema.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((i) => `${i.path.join(".") || "config"}: ${i.message}`).join("\n"),
    );
  }
  const config = parsed.data;
  return { ...config, keyFile: config.keyFile ?? path.join(config.workDir, "signer.key") };
}
