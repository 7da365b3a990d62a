import "server-only";
import { createPublicClient, http } from "viem";
import { chainConfig } from "@/lib/env";

/**
 * The chain's time in ms, which decides which job actions the contract allows now: the latest
 * block's time, never before the server's clock (a devnet mines no block while no transaction
 * comes; its time can also run ahead of the clock after evm_increaseTime). The clock alone when
 * the node does not answer.
 */
export async function chainNowMs(): Promise<number> {
  const wall = Date.now();
  try {
    const client = createPublicClient({
      transport: http(chainConfig().rpcUrl, { retryCount: 0, timeout: 2_000 }),
    });
    const block = await client.getBlock({ blockTag: "latest" });
    return Math.max(wall, Number(block.timestamp) * 1000);
  } catch {
    return wall;
  }
}
