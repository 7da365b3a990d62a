import "server-only";
import { type Address, type Hex, hexToBigInt, type PublicClient } from "viem";
import { computeMarketAbi } from "@/lib/web3/compute-market-abi";
import { jobView } from "@/lib/web3/market-views";

// What the keeper asks the chain directly: its clock, and a job's status.

/**
 * A contract that answers a call with the time of the block the call runs in. Run by `eth_call`
 * with a state override, it reads the chain's clock as a transaction sent now would see it.
 */
const CLOCK_ADDRESS: Address = "0x000000000000000000000000000000000c10c4ee";
// TIMESTAMP PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
const CLOCK_CODE: Hex = "0x4260005260206000f3";

/**
 * The chain's time in seconds: the time a transaction sent now would get, read with a call
 * (on the devnet the latest block's time stays put while no transaction comes, however much
 * time passes), and never before the latest block's. Never the machine's clock.
 */
export async function chainTime(client: PublicClient): Promise<bigint> {
  const latest = (await client.getBlock({ blockTag: "latest" })).timestamp;
  try {
    const { data } = await client.call({
      to: CLOCK_ADDRESS,
      stateOverride: [{ address: CLOCK_ADDRESS, code: CLOCK_CODE }],
    });
    const now = data && data.length === 66 ? hexToBigInt(data) : 0n;
    return now > latest ? now : latest;
  } catch {
    // A node without state overrides: the latest block's time.
    return latest;
  }
}

/** `job(id).status` on chain, or null when the node does not answer. */
export async function statusOnChain(
  client: PublicClient,
  contract: Address,
  jobId: Hex,
): Promise<number | null> {
  try {
    const t = await client.readContract({
      address: contract,
      abi: computeMarketAbi,
      functionName: "job",
      args: [jobId],
    });
    return jobView(t).status;
  } catch {
    return null;
  }
}
