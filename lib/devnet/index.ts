import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { Account, Address, bytesToHex, hexToBytes } from "@ethereumjs/util";
import { Chain, createDevnetCommon } from "./chain/chain";
import { loadDataDir, saveDataDir } from "./chain/persist";
import type { Hex } from "./chain/records";
import { DevnetState } from "./chain/state";
import {
  DEVNET_ACCOUNT_BALANCE,
  DEVNET_ACCOUNTS,
  DEVNET_BASE_FEE,
  DEVNET_BLOCK_GAS_LIMIT,
  DEVNET_CHAIN_ID,
  DEVNET_COMPUTE_MARKET_ADDRESS,
  DEVNET_HOST,
  DEVNET_PORT,
  DEVNET_PRIVATE_KEYS,
} from "./constants";
import { encodeStylusCode, implementedHooks, StylusProgram } from "./host/program";
import { DEFAULT_MARKET_PARAMS, encodeMarketConstructor } from "./market-params";
import { createMethods } from "./rpc/methods";
import { startServer } from "./rpc/server";

export * from "./constants";
export { DEFAULT_MARKET_PARAMS, encodeMarketConstructor, type MarketParams } from "./market-params";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEFAULT_ARTIFACT_PATH = resolve(
  REPO_ROOT,
  "stylus-contract/artifacts/compute_market.wasm",
);

export type DevnetOptions = {
  /** 0 picks a free port. Default 8547. */
  port?: number;
  host?: string;
  /** Folder where the chain is saved (after each block, debounced, and on stop). */
  dataDir?: string;
  /** The Stylus WASM deployed at DEVNET_COMPUTE_MARKET_ADDRESS. */
  artifactPath?: string;
  /** Constructor calldata sent after deployment; default: ComputeMarket with DEFAULT_MARKET_PARAMS; null: none. */
  constructorCalldata?: Hex | null;
  log?: (line: string) => void;
};

export type Devnet = {
  url: string;
  port: number;
  chainId: number;
  contractAddress: Hex;
  accounts: { address: Hex; privateKey: Hex }[];
  chain: Chain;
  /** Why the last failed Stylus call failed (trap or refused hostio), if any. */
  lastFault(): string | undefined;
  stop(): Promise<void>;
};

export async function startDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const log = opts.log ?? (() => {});
  const artifactPath = opts.artifactPath ?? DEFAULT_ARTIFACT_PATH;
  if (!existsSync(artifactPath)) {
    throw new Error(
      `Stylus artifact not found at ${artifactPath} (build it: npm run contract:build)`,
    );
  }
  const wasm = new Uint8Array(readFileSync(artifactPath));
  const artifactHash = createHash("sha256").update(wasm).digest("hex");
  const program = new StylusProgram(wasm, implementedHooks());
  const contractAddress = DEVNET_COMPUTE_MARKET_ADDRESS.toLowerCase() as Hex;
  const programs = new Map([
    [contractAddress, { address: new Address(hexToBytes(contractAddress)), program }],
  ]);
  const accounts = DEVNET_PRIVATE_KEYS.map((privateKey, i) => ({
    address: DEVNET_ACCOUNTS[i] as Hex,
    privateKey: privateKey as Hex,
  }));
  const deployerKey = DEVNET_PRIVATE_KEYS[0] as Hex;
  const deployerAddress = (DEVNET_ACCOUNTS[0] as Hex).toLowerCase();

  const saved = opts.dataDir
    ? loadDataDir(opts.dataDir, createDevnetCommon(DEVNET_CHAIN_ID))
    : undefined;
  const chain = await Chain.create({
    chainId: DEVNET_CHAIN_ID,
    blockGasLimit: DEVNET_BLOCK_GAS_LIMIT,
    baseFee: DEVNET_BASE_FEE,
    coinbase: "0x0000000000000000000000000000000000000000",
    programs,
    state: saved?.state ?? new DevnetState(),
    history: saved?.history,
    stateHistory: saved?.stateHistory,
  });

  if (saved === undefined) {
    for (const { address } of accounts) {
      chain.state.putAccountSync(address.toLowerCase(), new Account(0n, DEVNET_ACCOUNT_BALANCE));
    }
    // Deployment is part of genesis: the code lands at dev account 0's first contract address.
    chain.state.putCodeSync(contractAddress, encodeStylusCode(wasm));
    const deployer = chain.account(deployerAddress as Hex);
    deployer.nonce = 1n;
    chain.state.putAccountSync(deployerAddress, deployer);
    chain.commitGenesisState();
    const calldata =
      opts.constructorCalldata === undefined
        ? encodeMarketConstructor(DEFAULT_MARKET_PARAMS)
        : opts.constructorCalldata;
    if (calldata !== null) await callConstructor(chain, contractAddress, calldata, deployerKey);
  } else {
    chain.timeOffset = saved.timeOffset;
    if (saved.artifactHash !== artifactHash) {
      log(
        `warning: ${artifactPath} changed since ${opts.dataDir} was created; running the new code on the old storage`,
      );
      chain.state.putCodeSync(contractAddress, encodeStylusCode(wasm));
    }
  }

  let saveTimer: NodeJS.Timeout | undefined;
  // The whole chain is rewritten on each save, so saves are spaced by ten times their own cost.
  let saveDelayMs = 250;
  const save = () => {
    if (opts.dataDir === undefined) return;
    const started = performance.now();
    saveDataDir(opts.dataDir, {
      chainId: DEVNET_CHAIN_ID,
      artifactHash,
      timeOffset: chain.timeOffset,
      state: chain.state,
      blocks: chain.blocks,
      stateHistory: chain.history,
    });
    saveDelayMs = Math.max(250, 10 * (performance.now() - started));
  };
  if (opts.dataDir !== undefined) {
    save();
    chain.onBlock(() => {
      if (saveTimer === undefined) {
        saveTimer = setTimeout(() => {
          saveTimer = undefined;
          // In the queue: a call in progress holds temporary writes in the state.
          void chain.exclusive(async () => save());
        }, saveDelayMs);
      }
    });
  }

  const signers = new Map(accounts.map((a) => [a.address.toLowerCase(), a.privateKey]));
  const methods = createMethods(chain, signers);
  const host = opts.host ?? DEVNET_HOST;
  const { server, port } = await startServer(methods, host, opts.port ?? DEVNET_PORT, (e) =>
    log(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`),
  );

  return {
    url: `http://${host}:${port}`,
    port,
    chainId: DEVNET_CHAIN_ID,
    contractAddress: DEVNET_COMPUTE_MARKET_ADDRESS as Hex,
    accounts,
    chain,
    lastFault: () => chain.stylus.lastFault(),
    stop: async () => {
      await new Promise<void>((res) => {
        server.close(() => res());
        server.closeAllConnections();
      });
      await chain.close();
      if (saveTimer !== undefined) clearTimeout(saveTimer);
      save();
    },
  };
}

async function callConstructor(chain: Chain, to: Hex, calldata: Hex, key: Hex): Promise<void> {
  const tx = createFeeMarket1559Tx(
    {
      chainId: chain.chainId,
      nonce: 1n,
      to: new Address(hexToBytes(to)),
      data: hexToBytes(calldata),
      gasLimit: 5_000_000n,
      maxFeePerGas: DEVNET_BASE_FEE * 2n,
      maxPriorityFeePerGas: 0n,
    },
    { common: chain.txCommon },
  ).sign(hexToBytes(key));
  await chain.sendTransaction(tx);
  const receipt = chain.head().receipts[0];
  if (receipt?.status !== 1) {
    const fault = chain.stylus.lastFault();
    throw new Error(
      `constructor call failed${fault ? `: ${fault}` : ""} (tx ${bytesToHex(tx.hash())})`,
    );
  }
}
