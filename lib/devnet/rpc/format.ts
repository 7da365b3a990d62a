import type { TypedTransaction } from "@ethereumjs/tx";
import { bytesToHex } from "@ethereumjs/util";
import type { BlockRecord, Hex, LogRecord, ReceiptRecord } from "../chain/records";

export const qty = (n: bigint | number): Hex => `0x${n.toString(16)}`;

type TxContext = { record: BlockRecord; index: number };

export function formatTx(tx: TypedTransaction, ctx: TxContext | null): Record<string, unknown> {
  const json = tx.toJSON() as Record<string, unknown>;
  const receipt = ctx?.record.receipts[ctx.index];
  const out: Record<string, unknown> = {
    ...json,
    hash: bytesToHex(tx.hash()),
    type: qty(tx.type),
    from: receipt?.from ?? tx.getSenderAddress().toString(),
    to: tx.to ? tx.to.toString() : null,
    input: json.data ?? "0x",
    blockHash: ctx ? ctx.record.hash : null,
    blockNumber: ctx ? qty(ctx.record.block.header.number) : null,
    transactionIndex: ctx ? qty(ctx.index) : null,
    gas: json.gasLimit,
  };
  if ("maxFeePerGas" in tx && receipt) out.gasPrice = qty(receipt.effectiveGasPrice);
  if (tx.type === 0) out.chainId = qty(tx.common.chainId());
  delete out.data;
  delete out.gasLimit;
  return out;
}

export function formatBlock(record: BlockRecord, fullTxs: boolean): Record<string, unknown> {
  const { block } = record;
  const h = block.header;
  const txs = block.transactions.map((tx, index) =>
    fullTxs ? formatTx(tx, { record, index }) : bytesToHex(tx.hash()),
  );
  return {
    number: qty(h.number),
    hash: record.hash,
    parentHash: bytesToHex(h.parentHash),
    nonce: bytesToHex(h.nonce),
    mixHash: bytesToHex(h.mixHash),
    sha3Uncles: bytesToHex(h.uncleHash),
    logsBloom: bytesToHex(h.logsBloom),
    transactionsRoot: bytesToHex(h.transactionsTrie),
    stateRoot: bytesToHex(h.stateRoot),
    receiptsRoot: bytesToHex(h.receiptTrie),
    miner: h.coinbase.toString(),
    difficulty: qty(h.difficulty),
    totalDifficulty: "0x0",
    extraData: bytesToHex(h.extraData),
    size: qty(block.serialize().length),
    gasLimit: qty(h.gasLimit),
    gasUsed: qty(h.gasUsed),
    timestamp: qty(h.timestamp),
    baseFeePerGas: qty(h.baseFeePerGas ?? 0n),
    withdrawalsRoot: h.withdrawalsRoot ? bytesToHex(h.withdrawalsRoot) : undefined,
    withdrawals: [],
    blobGasUsed: qty(h.blobGasUsed ?? 0n),
    excessBlobGas: qty(h.excessBlobGas ?? 0n),
    parentBeaconBlockRoot: h.parentBeaconBlockRoot
      ? bytesToHex(h.parentBeaconBlockRoot)
      : undefined,
    transactions: txs,
    uncles: [],
  };
}

export function formatLog(record: BlockRecord, receipt: ReceiptRecord, log: LogRecord) {
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    logIndex: qty(log.logIndex),
    blockNumber: qty(record.block.header.number),
    blockHash: record.hash,
    blockTimestamp: qty(record.block.header.timestamp),
    transactionHash: receipt.txHash,
    transactionIndex: qty(receipt.txIndex),
    removed: false,
  };
}

export function formatReceipt(record: BlockRecord, receipt: ReceiptRecord) {
  return {
    transactionHash: receipt.txHash,
    transactionIndex: qty(receipt.txIndex),
    blockHash: record.hash,
    blockNumber: qty(record.block.header.number),
    from: receipt.from,
    to: receipt.to,
    cumulativeGasUsed: qty(receipt.cumulativeGasUsed),
    gasUsed: qty(receipt.gasUsed),
    effectiveGasPrice: qty(receipt.effectiveGasPrice),
    contractAddress: receipt.contractAddress,
    logs: receipt.logs.map((l) => formatLog(record, receipt, l)),
    logsBloom: receipt.logsBloom,
    status: qty(receipt.status),
    type: qty(receipt.type),
  };
}
