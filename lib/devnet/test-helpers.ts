import { resolve } from "node:path";
import {
  type Abi,
  createPublicClient,
  createTestClient,
  createWalletClient,
  defineChain,
  type Hex,
  http,
  parseAbi,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { compileWatFixture } from "./fixtures/compile-wat";
import { type Devnet, type DevnetOptions, startDevnet } from "./index";

export const PROBE_WAT = resolve(import.meta.dirname, "fixtures/host-probe.wat");

/** A devnet whose Stylus address runs the host-probe fixture instead of ComputeMarket. */
export async function startProbeDevnet(opts: DevnetOptions = {}): Promise<Devnet> {
  const artifactPath = await compileWatFixture(PROBE_WAT);
  return startDevnet({ port: 0, artifactPath, constructorCalldata: null, ...opts });
}

export function clientsFor(devnet: Devnet, accountIndex = 3) {
  const chain = defineChain({
    id: devnet.chainId,
    name: "Stylus devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [devnet.url] } },
  });
  const key = devnet.accounts[accountIndex]?.privateKey as Hex;
  const account = privateKeyToAccount(key);
  const transport = http(devnet.url, { retryCount: 0 });
  return {
    chain,
    account,
    publicClient: createPublicClient({ chain, transport, pollingInterval: 50 }),
    walletClient: createWalletClient({ chain, transport, account }),
    testClient: createTestClient({ chain, transport, mode: "anvil" }),
  };
}

/** Raw JSON-RPC POST, for the cases a typed client would refuse to send. */
export async function rawRpc(
  url: string,
  body: string,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
  });
  return { status: res.status, json: await res.json() };
}

/**
 * The contract's events, as declared in stylus-contract/src/events.rs. The Stylus SDK's
 * `export-abi` leaves events out of the generated ABI; these fill the gap until it carries them
 * (they are used only when the generated ABI has no events).
 */
const EVENTS = parseAbi([
  "event Staked(address indexed provider, uint256 amount, uint256 totalStake)",
  "event UnstakeRequested(address indexed provider, uint256 amount, uint256 pendingUnstake)",
  "event StakeWithdrawn(address indexed provider, uint256 amount)",
  "event SignerSet(address indexed provider, address indexed signer)",
  "event JobFunded(bytes32 indexed jobId, address indexed consumer, address indexed provider, uint256 ratePerSecond, uint64 maxSeconds, uint256 escrow, uint256 collateral)",
  "event ResultSubmitted(bytes32 indexed jobId, address indexed provider, uint64 usedSeconds, bytes32 resultHash)",
  "event JobDisputed(bytes32 indexed jobId, address indexed consumer)",
  "event DisputeResolved(bytes32 indexed jobId, uint16 providerPayBps, uint16 slashBps, uint256 providerAmount, uint256 consumerAmount, uint256 fee, uint256 slashed)",
  "event JobFinalized(bytes32 indexed jobId, uint256 providerAmount, uint256 fee, uint256 consumerRefund)",
  "event JobExpired(bytes32 indexed jobId, uint256 consumerRefund, uint256 slashed)",
  "event Withdrawn(address indexed account, uint256 amount)",
  "event ParamsUpdated(uint16 feeBps, uint256 minStake, uint64 unstakeCooldown, uint64 challengeWindow, uint64 startGraceSeconds, uint16 collateralBps, uint16 noShowSlashBps)",
  "event ArbiterUpdated(address indexed arbiter)",
  "event FeeRecipientUpdated(address indexed feeRecipient)",
  "event OwnershipTransferred(address indexed previousOwner, address indexed newOwner)",
  "event Paused(address account)",
  "event Unpaused(address account)",
]);
const generated = computeMarketAbi as Abi;
/** The generated ComputeMarket ABI, with the events filled in while it lacks them. */
export const marketAbi: Abi = generated.some((item) => item.type === "event")
  ? generated
  : [...generated, ...EVENTS];
