import { createFeeMarket1559Tx, createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import { Address, bytesToHex, hexToBytes, setLengthLeft } from "@ethereumjs/util";
import type { Chain } from "../chain/chain";
import { badParams, ChainError, rejected } from "../chain/errors";
import type { Hex } from "../chain/records";
import { checkChainId, signedChainId } from "../chain/validate";
import { formatBlock, formatReceipt, formatTx, qty } from "./format";
import { Filters, parseFilter, queryLogs } from "./logs";
import {
  address,
  blockNumber,
  blockOverrides,
  blockRef,
  callRequest,
  hexData,
  optQuantity,
  quantity,
  stateOverride,
} from "./params";

type Handler = (params: unknown[]) => unknown;

/** Dev accounts the node signs for (eth_sendTransaction), lowercase address -> private key. */
export type Signers = Map<string, Hex>;

export function createMethods(chain: Chain, signers: Signers): Record<string, Handler> {
  const filters = new Filters(chain);
  const head = () => chain.head().block.header.number;
  const blockAt = (tag: unknown) => chain.blocks[Number(blockNumber(tag, head()))];

  const decodeRaw = (raw: Hex): TypedTransaction => {
    const bytes = hexToBytes(raw);
    checkChainId(signedChainId(bytes), chain.chainId);
    try {
      return createTxFromRLP(bytes, { common: chain.txCommon });
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      throw rejected(`invalid transaction: ${msg.split("\n")[0]}`);
    }
  };

  const sendTransaction = async (req: unknown): Promise<Hex> => {
    const call = callRequest(req);
    const o = req as Record<string, unknown>;
    if (call.from === undefined) throw badParams("from is required");
    const chainId = optQuantity(o.chainId, "chainId");
    if (chainId !== undefined && chainId !== chain.chainId) {
      throw rejected(`chainId does not match node's (have=${chainId}, want=${chain.chainId})`);
    }
    const key = signers.get(call.from);
    if (key === undefined)
      throw rejected(`unknown account ${call.from}: only dev accounts are unlocked`);
    const baseFee = chain.head().block.header.baseFeePerGas ?? 0n;
    const gasLimit = call.gas ?? (await chain.estimateGas(call));
    const tx = createFeeMarket1559Tx(
      {
        chainId: chain.chainId,
        nonce: optQuantity(o.nonce, "nonce") ?? chain.account(call.from).nonce,
        to: call.to ? new Address(hexToBytes(call.to)) : undefined,
        data: call.data ? hexToBytes(call.data) : undefined,
        value: call.value ?? 0n,
        gasLimit,
        maxFeePerGas: optQuantity(o.maxFeePerGas ?? o.gasPrice, "maxFeePerGas") ?? baseFee * 2n,
        maxPriorityFeePerGas: optQuantity(o.maxPriorityFeePerGas, "maxPriorityFeePerGas") ?? 0n,
      },
      { common: chain.txCommon },
    ).sign(hexToBytes(key));
    return chain.sendTransaction(tx);
  };

  const mineMany = async (count: bigint, interval: bigint) => {
    for (let i = 0n; i < count; i++) {
      if (i > 0n && interval > 0n)
        chain.setNextTimestamp(chain.head().block.header.timestamp + interval);
      await chain.mine();
    }
    return null;
  };

  const methods: Record<string, Handler> = {
    web3_clientVersion: () => "stylus-devnet/1.0.0",
    eth_chainId: () => qty(chain.chainId),
    net_version: () => chain.chainId.toString(),
    net_listening: () => true,
    eth_syncing: () => false,
    eth_mining: () => true,
    eth_accounts: () => [...signers.keys()],
    eth_requestAccounts: () => [...signers.keys()],
    eth_blockNumber: () => qty(head()),
    eth_gasPrice: () => qty(chain.head().block.header.baseFeePerGas ?? 0n),
    eth_maxPriorityFeePerGas: () => "0x0",
    eth_getBalance: ([a, b]) => {
      const addr = address(a);
      return chain.readState(blockRef(b), (s) => qty(s.account(addr)?.balance ?? 0n));
    },
    eth_getTransactionCount: ([a, b]) => {
      const addr = address(a);
      return chain.readState(blockRef(b), (s) => qty(s.account(addr)?.nonce ?? 0n));
    },
    eth_getCode: ([a, b]) => {
      const addr = address(a);
      return chain.readState(blockRef(b), (s) => bytesToHex(s.code(addr)));
    },
    eth_getStorageAt: ([a, slot, b]) => {
      const addr = address(a);
      const key = setLengthLeft(
        hexToBytes(`0x${quantity(slot, "slot").toString(16).padStart(64, "0")}`),
        32,
      );
      return chain.readState(blockRef(b), (s) =>
        bytesToHex(setLengthLeft(s.storage(addr, bytesToHex(key)), 32)),
      );
    },
    eth_feeHistory: ([count, newest, percentiles]) => {
      const n = Number(quantity(count, "blockCount"));
      const last = blockNumber(newest, head());
      const first =
        last - BigInt(Math.max(0, Math.min(n, 1024) - 1)) < 0n
          ? 0n
          : last - BigInt(Math.max(0, Math.min(n, 1024) - 1));
      const range = chain.blocks.slice(Number(first), Number(last) + 1);
      const pct = Array.isArray(percentiles) ? percentiles : [];
      return {
        oldestBlock: qty(first),
        baseFeePerGas: [...range, range[range.length - 1]].map((b) =>
          qty(b?.block.header.baseFeePerGas ?? 0n),
        ),
        gasUsedRatio: range.map(
          (b) => Number(b.block.header.gasUsed) / Number(b.block.header.gasLimit),
        ),
        reward: pct.length > 0 ? range.map(() => pct.map(() => "0x0")) : undefined,
      };
    },
    eth_call: ([req, b, overrides, blockOverridesParam]) =>
      chain.callOrThrow(callRequest(req), {
        block: blockRef(b),
        stateOverride: stateOverride(overrides),
        blockOverrides: blockOverrides(blockOverridesParam),
      }),
    eth_estimateGas: async ([req, b, overrides, blockOverridesParam]) =>
      qty(
        await chain.estimateGas(callRequest(req), {
          block: blockRef(b),
          stateOverride: stateOverride(overrides),
          blockOverrides: blockOverrides(blockOverridesParam),
        }),
      ),
    eth_sendRawTransaction: ([raw]) =>
      chain.sendTransaction(decodeRaw(hexData(raw, "transaction"))),
    eth_sendTransaction: ([req]) => sendTransaction(req),
    eth_getTransactionByHash: ([h]) => {
      const loc = chain.txIndex.get(hexData(h, "hash").toLowerCase() as Hex);
      const record = loc && chain.blocks[loc.blockNumber];
      const tx = record?.block.transactions[loc?.index ?? 0];
      return record && tx && loc ? formatTx(tx, { record, index: loc.index }) : null;
    },
    eth_getTransactionReceipt: ([h]) => {
      const loc = chain.txIndex.get(hexData(h, "hash").toLowerCase() as Hex);
      const record = loc && chain.blocks[loc.blockNumber];
      const receipt = record?.receipts[loc?.index ?? 0];
      return record && receipt ? formatReceipt(record, receipt) : null;
    },
    eth_getBlockByNumber: ([tag, full]) => {
      const record = blockAt(tag);
      return record ? formatBlock(record, full === true) : null;
    },
    eth_getBlockByHash: ([h, full]) => {
      const n = chain.blockNumberOf(hexData(h, "hash"));
      const record = n === undefined ? undefined : chain.blocks[n];
      return record ? formatBlock(record, full === true) : null;
    },
    eth_getBlockTransactionCountByNumber: ([tag]) => {
      const record = blockAt(tag);
      return record ? qty(record.block.transactions.length) : null;
    },
    eth_getLogs: ([f]) => queryLogs(chain, parseFilter(f)),
    eth_newFilter: ([f]) => filters.newLogFilter(f),
    eth_newBlockFilter: () => filters.newBlockFilter(),
    eth_newPendingTransactionFilter: () => filters.newTransactionFilter(),
    eth_getFilterChanges: ([id]) => filters.changes(id),
    eth_getFilterLogs: ([id]) => filters.logs(id),
    eth_uninstallFilter: ([id]) => filters.uninstall(id),
    evm_mine: async ([ts]) => {
      await chain.mine(optQuantity(ts, "timestamp"));
      return "0x0";
    },
    anvil_mine: ([count, interval]) =>
      mineMany(optQuantity(count, "count") ?? 1n, optQuantity(interval, "interval") ?? 1n),
    evm_increaseTime: ([s]) => Number(chain.increaseTime(quantity(s, "seconds"))),
    evm_setNextBlockTimestamp: ([ts]) => {
      chain.setNextTimestamp(quantity(ts, "timestamp"));
      return null;
    },
    evm_snapshot: async () => qty(await chain.snapshot()),
    evm_revert: ([id]) => chain.revert(Number(quantity(id, "snapshot id"))),
    anvil_setBalance: ([a, bal]) =>
      chain.setBalance(address(a), quantity(bal, "balance")).then(() => null),
  };
  methods.anvil_increaseTime = methods.evm_increaseTime as Handler;
  methods.anvil_setNextBlockTimestamp = methods.evm_setNextBlockTimestamp as Handler;
  methods.anvil_snapshot = methods.evm_snapshot as Handler;
  methods.anvil_revert = methods.evm_revert as Handler;
  methods.hardhat_mine = methods.anvil_mine as Handler;
  methods.hardhat_setBalance = methods.anvil_setBalance as Handler;
  return methods;
}

export { ChainError };
