#!/usr/bin/env -S npx tsx
import { AGENT_VERSION, Agent } from "./agent";
import { AgentApi } from "./api-client";
import { benchmark } from "./benchmark";
import { ConfigError, loadConfig, USAGE } from "./config";
import { detectHardware } from "./hardware";
import { dockerRuntime } from "./runtimes/docker";
import { processRuntime } from "./runtimes/process";
import { loadOrCreateSignerKey } from "./signer-key";

/** `npm run agent -- ...`: the provider's node agent (lib/agent/README.md). */
async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.argv.slice(2), process.env);
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(error instanceof ConfigError ? 2 : 1);
  }
  if (config === "help") {
    console.log(USAGE);
    return;
  }
  console.log(
    `gpu-market agent ${AGENT_VERSION}, server ${config.server}, work dir ${config.workDir}`,
  );
  const key = loadOrCreateSignerKey(config.keyFile);
  console.log(
    key.created
      ? `signer key created in ${config.keyFile} (mode 0600). Its address is ${key.account.address}: register it with setSigner and on the Provider page.`
      : `signer ${key.account.address} (key ${config.keyFile})`,
  );
  if (key.loosePermissions)
    console.log(`  ${config.keyFile} was readable by others; now mode 0600`);
  const hardware = await detectHardware({ simulateGpus: config.simulateGpus });
  if (hardware.simulatedGpus)
    console.log(`SIMULATED GPUs (--simulate-gpus ${config.simulateGpus}): demos and tests only`);
  for (const gpu of hardware.gpus) {
    console.log(
      `  GPU ${gpu.index}: ${gpu.model}, ${(gpu.vramMb / 1024).toFixed(0)} GiB, driver ${gpu.driver}`,
    );
  }
  if (hardware.gpus.length === 0)
    console.log("  no GPU found (nvidia-smi absent or saw none): no lease will be quoted");
  console.log(
    `  CPU: ${hardware.cpu.model} x${hardware.cpu.cores}; memory ${(hardware.memoryMb / 1024).toFixed(1)} GiB; ${hardware.os}`,
  );
  const measured = config.noBenchmark
    ? null
    : await benchmark({ realGpus: !hardware.simulatedGpus && hardware.gpus.length > 0 });
  if (measured)
    console.log(
      `  benchmark: ${measured.tflops.toFixed(4)} TFLOPS measured on the ${measured.device.toUpperCase()} (${measured.detail})`,
    );
  const runtime = config.runtime === "docker" ? dockerRuntime() : processRuntime;
  const agent = new Agent({
    api: new AgentApi(config.server, config.apiKey),
    account: key.account,
    hardware,
    benchmark: measured,
    runtime,
    workDir: config.workDir,
    gpus: config.gpus,
    rpcUrl: config.rpcUrl,
  });
  let interrupts = 0;
  process.on("SIGINT", () => {
    interrupts += 1;
    if (interrupts === 1) {
      agent.say(
        `stopping: no new leases; finishing ${agent.running} running job(s). Ctrl-C again to stop them now.`,
      );
      agent.stop();
    } else {
      agent.say("stopping running jobs now; a restarted agent picks them up from its state file");
      agent.stop(true);
    }
  });
  process.on("SIGTERM", () => agent.stop(true));
  for (;;) {
    try {
      await agent.connect();
      break;
    } catch (error) {
      agent.say(`cannot reach the marketplace: ${(error as Error).message}; retrying in 5 s`);
      if (agent.stopping) return;
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
  agent.say(
    `offering ${agent.totalGpus} GPU(s) with the ${runtime.name} runtime; waiting for leases`,
  );
  await agent.run();
  agent.say("stopped");
  process.exit(0);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
