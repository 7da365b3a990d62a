import { type Block, createBlock } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import type { TypedTransaction } from "@ethereumjs/tx";
import { bigIntToBytes, bytesToHex, intToBytes, KECCAK256_RLP } from "@ethereumjs/util";
import type { RunTxResult } from "@ethereumjs/vm";
import { Bloom } from "@ethereumjs/vm";
import { keccak256, toRlp } from "viem";

const rlp = (value: RlpItem): Uint8Array => toRlp(value as never, "bytes");
type RlpItem = Uint8Array | RlpItem[];

export type Hex = `0x${string}`;

export type LogRecord = {
  address: Hex;
  topics: Hex[];
  data: Hex;
  logIndex: number;
};

export type ReceiptRecord = {
  txHash: Hex;
  txIndex: number;
  type: number;
  from: Hex;
  to: Hex | null;
  status: 0 | 1;
  gasUsed: bigint;
  cumulativeGasUsed: bigint;
  effectiveGasPrice: bigint;
  contractAddress: Hex | null;
  logs: LogRecord[];
  logsBloom: Hex;
};

/** A sealed block with its transactions' receipts (one block per transaction when automining). */
export type BlockRecord = {
  block: Block;
  hash: Hex;
  receipts: ReceiptRecord[];
};

export type TxLocation = { blockNumber: number; index: number };

type Executed = { tx: TypedTransaction; result: RunTxResult; from: Hex };

export function receiptFromResult(
  { tx, result, from }: Executed,
  txIndex: number,
  cumulativeGasUsed: bigint,
  logIndexStart: number,
  baseFee: bigint,
): ReceiptRecord {
  const logs = (result.execResult.logs ?? []).map(
    ([address, topics, data], i): LogRecord => ({
      address: bytesToHex(address),
      topics: topics.map((t) => bytesToHex(t)),
      data: bytesToHex(data),
      logIndex: logIndexStart + i,
    }),
  );
  let effectiveGasPrice: bigint;
  if ("maxFeePerGas" in tx) {
    const headroom = tx.maxFeePerGas - baseFee;
    let tip = tx.maxPriorityFeePerGas;
    if (headroom < tip) tip = headroom;
    effectiveGasPrice = baseFee + tip;
  } else {
    effectiveGasPrice = (tx as { gasPrice: bigint }).gasPrice;
  }
  return {
    txHash: bytesToHex(tx.hash()),
    txIndex,
    type: tx.type,
    from,
    to: tx.to ? (tx.to.toString() as Hex) : null,
    status: result.execResult.exceptionError === undefined ? 1 : 0,
    gasUsed: result.totalGasSpent,
    cumulativeGasUsed,
    effectiveGasPrice,
    contractAddress: result.createdAddress ? (result.createdAddress.toString() as Hex) : null,
    logs,
    logsBloom: bytesToHex(result.bloom.bitvector),
  };
}

function encodeReceipt(r: ReceiptRecord): Uint8Array {
  const body = rlp([
    r.status === 1 ? intToBytes(1) : new Uint8Array(0),
    bigIntToBytes(r.cumulativeGasUsed),
    hexBytes(r.logsBloom),
    r.logs.map((l) => [hexBytes(l.address), l.topics.map(hexBytes), hexBytes(l.data)]),
  ]);
  if (r.type === 0) return body;
  const out = new Uint8Array(body.length + 1);
  out[0] = r.type;
  out.set(body, 1);
  return out;
}

function hexBytes(hex: string): Uint8Array {
  const clean = hex.slice(2);
  const out = new Uint8Array(clean.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Root of the trie {rlp(i): values[i]}. Automined blocks hold one transaction, whose trie is a
 * single leaf: hash it directly instead of building a trie.
 */
async function indexedTrieRoot(values: Uint8Array[]): Promise<Uint8Array> {
  if (values.length === 0) return KECCAK256_RLP;
  if (values.length === 1) {
    // Leaf for key rlp(0) = 0x80: hex-prefix path 0x20 0x80 (even-length leaf).
    return keccak256(rlp([new Uint8Array([0x20, 0x80]), values[0] as Uint8Array]), "bytes");
  }
  const trie = new MerklePatriciaTrie();
  for (const [i, v] of values.entries())
    await trie.put(rlp(i === 0 ? new Uint8Array(0) : intToBytes(i)), v);
  return trie.root();
}

/**
 * Seal a block: header roots and bloom from the executed transactions. The state root is a chained
 * digest (parent root, this block's transactions), not a Merkle root of the state.
 */
export async function sealBlock(opts: {
  common: Common;
  parent: Block;
  timestamp: bigint;
  baseFee: bigint;
  gasLimit: bigint;
  coinbase: Hex;
  txs: TypedTransaction[];
  receipts: ReceiptRecord[];
}): Promise<BlockRecord> {
  const bloom = new Bloom(undefined, opts.common);
  for (const r of opts.receipts) bloom.or(new Bloom(hexBytes(r.logsBloom), opts.common));
  const gasUsed = opts.receipts.reduce((sum, r) => sum + r.gasUsed, 0n);
  const stateRoot = keccak256(
    rlp([opts.parent.header.stateRoot, ...opts.txs.map((t) => t.hash())]),
    "bytes",
  );
  const block = createBlock(
    {
      header: {
        parentHash: opts.parent.hash(),
        number: opts.parent.header.number + 1n,
        timestamp: opts.timestamp,
        gasLimit: opts.gasLimit,
        gasUsed,
        baseFeePerGas: opts.baseFee,
        coinbase: opts.coinbase,
        stateRoot,
        logsBloom: bloom.bitvector,
        transactionsTrie: await indexedTrieRoot(opts.txs.map((t) => t.serialize())),
        receiptTrie: await indexedTrieRoot(opts.receipts.map(encodeReceipt)),
      },
      transactions: opts.txs,
      withdrawals: [],
    },
    { common: opts.common, skipConsensusFormatValidation: true },
  );
  return { block, hash: bytesToHex(block.hash()), receipts: opts.receipts };
}
