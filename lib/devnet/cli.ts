/**
 * npm run chain [-- --port 8547 --host 127.0.0.1 --data-dir .devnet --artifact x.wasm --no-constructor]
 *
 * Starts the embedded Stylus devnet and prints its URL, chain id, contract address and the
 * dev accounts (their keys are public: devnet only).
 */
import { parseArgs } from "node:util";
import { formatEther } from "viem";
import { DEVNET_ACCOUNT_BALANCE, DEVNET_PORT, startDevnet } from "./index";
import { DEFAULT_MARKET_PARAMS } from "./market-params";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: process.env.DEVNET_PORT ?? String(DEVNET_PORT) },
    host: { type: "string", default: process.env.DEVNET_HOST ?? "127.0.0.1" },
    "data-dir": { type: "string", default: process.env.DEVNET_DATA_DIR },
    artifact: { type: "string", default: process.env.DEVNET_ARTIFACT },
    quiet: { type: "boolean", default: false },
    "no-constructor": { type: "boolean", default: false },
  },
});

const devnet = await startDevnet({
  port: Number(values.port),
  host: values.host,
  dataDir: values["data-dir"],
  artifactPath: values.artifact,
  constructorCalldata: values["no-constructor"] ? null : undefined,
  log: (line) => console.error(line),
});

const p = DEFAULT_MARKET_PARAMS;
console.log(`Stylus devnet listening on ${devnet.url} (chain id ${devnet.chainId})`);
console.log(`ComputeMarket: ${devnet.contractAddress}`);
console.log(
  `  owner ${p.owner}, arbiter ${p.arbiter}, fee recipient ${p.feeRecipient}, fee ${p.feeBps} bps`,
);
console.log(
  `  min stake ${formatEther(p.minStake)} ETH, unstake cooldown ${p.unstakeCooldown}s, collateral ${p.collateralBps} bps`,
);
console.log(
  `  start grace ${p.startGraceSeconds}s, max job ${p.maxJobSeconds}s, challenge window ${p.challengeWindow}s, dispute timeout ${p.disputeTimeout}s`,
);
console.log(
  `  no-show slash ${p.noShowSlashBps} bps of the collateral, provider's share on a dispute timeout ${p.disputeDefaultPayBps} bps`,
);
console.log(`Dev accounts (${formatEther(DEVNET_ACCOUNT_BALANCE)} ETH each; DEVNET-ONLY keys):`);
devnet.accounts.forEach((a, i) => {
  console.log(`  (${i}) ${a.address}  ${a.privateKey}`);
});
if (values["data-dir"]) console.log(`State saved in ${values["data-dir"]}`);

if (!values.quiet) {
  devnet.chain.onBlock((record) => {
    const n = record.block.header.number;
    for (const r of record.receipts) {
      const fault = r.status === 0 ? devnet.lastFault() : undefined;
      console.log(
        `block ${n} tx ${r.txHash} ${r.status === 1 ? "ok" : "reverted"} gas ${r.gasUsed}${fault ? ` (${fault})` : ""}`,
      );
    }
    if (record.receipts.length === 0) console.log(`block ${n} (empty)`);
  });
}

const shutdown = async () => {
  await devnet.stop();
  process.exit(0);
};
process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
