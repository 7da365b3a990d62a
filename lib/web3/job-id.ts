/**
 * On-chain job ids. ComputeMarket scopes ids by consumer: the first 20 bytes of a job id must be
 * the address of the account that funds it (else `InvalidJobId`), so nobody can fund, and so
 * burn, an id that a consumer's quote names. The last 12 bytes tell the consumer's jobs apart.
 */
import { type Address, getAddress, type Hex, keccak256, stringToBytes } from "viem";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * The chain id of an off-chain job: `consumer (20 bytes) ++ keccak256(utf8(jobId))[0:12]`, as
 * lowercase hex. 96 bits of a hash leave a consumer's own ids collision-free in practice, and
 * ids of different consumers can never collide. One keccak of the uuid, as before v2: cheap
 * enough for the submit path.
 */
export function chainJobId(consumer: string, jobId: string): Hex {
  if (!ADDRESS.test(consumer)) throw new Error(`not an address: ${consumer}`);
  const suffix = keccak256(stringToBytes(jobId)).slice(2, 26);
  return `${consumer.toLowerCase()}${suffix}` as Hex;
}

/** The only account that can fund `jobId` (its first 20 bytes). */
export function consumerOfJobId(jobId: Hex): Address {
  if (!/^0x[0-9a-fA-F]{64}$/.test(jobId)) throw new Error(`not a bytes32 job id: ${jobId}`);
  return getAddress(jobId.slice(0, 42));
}
