import { getAddress, keccak256, stringToBytes } from "viem";
import { describe, expect, it } from "vitest";
import { chainJobId, consumerOfJobId } from "./job-id";

const consumer = "0x70997970c51812dc3a010c7d01b50e0d17dc79c8";
const uuid = "0b0e6c1e-4d1c-4c35-9a4e-7d7c0d7f7a11";

describe("consumer-scoped chain job ids", () => {
  it("is the consumer's address followed by 12 bytes of keccak256 of the uuid", () => {
    const id = chainJobId(consumer, uuid);
    expect(id).toHaveLength(66);
    expect(id.slice(0, 42)).toBe(consumer);
    expect(id.slice(42)).toBe(keccak256(stringToBytes(uuid)).slice(2, 26));
    expect(consumerOfJobId(id)).toBe(getAddress(consumer));
  });

  it("is lowercase whatever the address's case, and differs per consumer and per job", () => {
    const checksummed = getAddress(consumer);
    expect(chainJobId(checksummed, uuid)).toBe(chainJobId(consumer, uuid));
    const other = "0x3c44cdddb6a900fa2b585dd299e03d12fa4293bc";
    expect(chainJobId(other, uuid).slice(42)).toBe(chainJobId(consumer, uuid).slice(42));
    expect(chainJobId(other, uuid)).not.toBe(chainJobId(consumer, uuid));
    expect(chainJobId(consumer, `${uuid}x`)).not.toBe(chainJobId(consumer, uuid));
  });

  it("refuses what is not an address or a bytes32 id", () => {
    expect(() => chainJobId("0x1234", uuid)).toThrow(/not an address/);
    expect(() => chainJobId("alice", uuid)).toThrow(/not an address/);
    expect(() => consumerOfJobId("0x1234")).toThrow(/bytes32/);
  });
});
