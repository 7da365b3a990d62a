import { getContractAddress } from "viem";
import { privateKeyToAddress } from "viem/accounts";

/** Same chain id and port as a Nitro dev node, so switching to one is a config change. */
export const DEVNET_CHAIN_ID = 412346;
export const DEVNET_PORT = 8547;
export const DEVNET_HOST = "127.0.0.1";

/** 0.1 gwei, Arbitrum's minimum base fee; constant on the devnet. */
export const DEVNET_BASE_FEE = 100_000_000n;
export const DEVNET_BLOCK_GAS_LIMIT = 32_000_000n;
export const DEVNET_ACCOUNT_BALANCE = 10_000n * 10n ** 18n;

/**
 * Dev account keys: the well-known "test test ... junk" mnemonic keys used by anvil and hardhat.
 * Public knowledge: for the devnet only, never for a real network.
 */
export const DEVNET_PRIVATE_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
  "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba",
  "0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e",
  "0x4bbbf85ce3377467afe5d46f804f221813b2bb87f24d81f60f1fcdbf7cbf4356",
  "0xdbda1821b80551c9d65939329250298aa3472ba22feea921c0cf5d620ea67b97",
  "0x2a871d0798f97d79848a013d4936a73bf4cc922c825d33c1cf7073dff6d409c6",
] as const;

export const DEVNET_ACCOUNTS = DEVNET_PRIVATE_KEYS.map((key) => privateKeyToAddress(key));

const deployer = DEVNET_ACCOUNTS[0] as `0x${string}`;

/**
 * Where the devnet deploys ComputeMarket: the first contract of dev account 0 (nonce 0), so it is
 * the same on every fresh devnet: 0x5FbDB2315678afecb367f032d93F642f64180aa3.
 */
export const DEVNET_COMPUTE_MARKET_ADDRESS = getContractAddress({ from: deployer, nonce: 0n });
