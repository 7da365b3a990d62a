import { createBlock, genTransactionsTrieRoot } from "@ethereumjs/block";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { createFeeMarket1559Tx } from "@ethereumjs/tx";
import { bytesToHex, hexToBytes, intToBytes } from "@ethereumjs/util";
import { encodeReceipt } from "@ethereumjs/vm";
import { toRlp } from "viem";
import { describe, expect, it } from "vitest";
import { createSharedCommon } from "./common";
import { type ReceiptRecord, sealBlock } from "./records";

const common = createSharedCommon(412346);
const tx = (nonce: bigint) =>
  createFeeMarket1559Tx(
    { chainId: 412346n, nonce, gasLimit: 21_000n, maxFeePerGas: 10n ** 9n },
    { common },
  ).sign(new Uint8Array(32).fill(7));

const receipt = (i: number): ReceiptRecord => ({
  txHash: "0x00",
  txIndex: i,
  type: 2,
  from: "0x0000000000000000000000000000000000000001",
  to: null,
  status: 1,
  gasUsed: 21_000n,
  cumulativeGasUsed: 21_000n * BigInt(i + 1),
  effectiveGasPrice: 1n,
  contractAddress: null,
  logs: [
    {
      address: "0x00000000000000000000000000000000000000aa",
      topics: [`0x${"11".repeat(32)}`],
      data: "0x1234",
      logIndex: 0,
    },
  ],
  logsBloom: `0x${"00".repeat(256)}`,
});

async function referenceReceiptsRoot(receipts: ReceiptRecord[]): Promise<string> {
  const trie = new MerklePatriciaTrie();
  for (const [i, r] of receipts.entries()) {
    const encoded = encodeReceipt(
      {
        status: r.status,
        cumulativeBlockGasUsed: r.cumulativeGasUsed,
        bitvector: hexToBytes(r.logsBloom),
        logs: r.logs.map((l) => [
          hexToBytes(l.address),
          l.topics.map((t) => hexToBytes(t)),
          hexToBytes(l.data),
        ]),
      },
      2,
    );
    await trie.put(toRlp(i === 0 ? new Uint8Array(0) : intToBytes(i), "bytes"), encoded);
  }
  return bytesToHex(trie.root());
}

describe("sealed block roots", () => {
  const parent = createBlock(
    { header: { number: 0n, gasLimit: 30_000_000n, baseFeePerGas: 1n } },
    { common },
  );
  const seal = (n: number) =>
    sealBlock({
      common,
      parent,
      timestamp: 1n,
      baseFee: 1n,
      gasLimit: 30_000_000n,
      coinbase: "0x0000000000000000000000000000000000000000",
      txs: Array.from({ length: n }, (_, i) => tx(BigInt(i))),
      receipts: Array.from({ length: n }, (_, i) => receipt(i)),
    });

  it.each([1, 2])("match the Merkle roots ethereumjs computes for %i transaction(s)", async (n) => {
    const { block, receipts } = await seal(n);
    expect(bytesToHex(block.header.transactionsTrie)).toBe(
      bytesToHex(await genTransactionsTrieRoot([...block.transactions])),
    );
    expect(bytesToHex(block.header.receiptTrie)).toBe(await referenceReceiptsRoot(receipts));
  });
});
