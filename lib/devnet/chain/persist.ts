import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBlockFromRLP } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { Account, bytesToHex, hexToBytes } from "@ethereumjs/util";
import type { BlockRecord, ReceiptRecord } from "./records";
import { DevnetState } from "./state";

const FILE = "devnet.json";
const VERSION = 1;

type Saved = {
  version: number;
  chainId: number;
  artifactHash: string;
  timeOffset: string;
  accounts: [string, string, string, string][];
  code: [string, string][];
  storage: [string, [string, string][]][];
  blocks: { rlp: string; receipts: ReceiptRecord[] }[];
};

export type Loaded = {
  state: DevnetState;
  history: BlockRecord[];
  timeOffset: bigint;
  artifactHash: string;
};

const replacer = (_k: string, v: unknown) => (typeof v === "bigint" ? `${v}n` : v);
const reviver = (_k: string, v: unknown) =>
  typeof v === "string" && /^\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v;

export function loadDataDir(dir: string, common: Common): Loaded | undefined {
  const path = join(dir, FILE);
  if (!existsSync(path)) return undefined;
  const saved = JSON.parse(readFileSync(path, "utf8"), reviver) as Saved;
  if (saved.version !== VERSION) throw new Error(`${path}: unsupported version ${saved.version}`);
  if (saved.chainId !== Number(common.chainId())) {
    throw new Error(`${path} holds chain ${saved.chainId}, not ${common.chainId()}`);
  }
  const state = new DevnetState();
  for (const [addr, nonce, balance, codeHash] of saved.accounts) {
    state.accounts.set(
      addr,
      new Account(BigInt(nonce), BigInt(balance), undefined, hexToBytes(codeHash as `0x${string}`)),
    );
  }
  for (const [addr, code] of saved.code) state.code.set(addr, hexToBytes(code as `0x${string}`));
  for (const [addr, slots] of saved.storage) {
    state.storage.set(addr, new Map(slots.map(([k, v]) => [k, hexToBytes(v as `0x${string}`)])));
  }
  const history = saved.blocks.map(({ rlp, receipts }): BlockRecord => {
    const block = createBlockFromRLP(hexToBytes(rlp as `0x${string}`), {
      common,
      skipConsensusFormatValidation: true,
    });
    return { block, hash: bytesToHex(block.hash()), receipts };
  });
  return { state, history, timeOffset: BigInt(saved.timeOffset), artifactHash: saved.artifactHash };
}

/** Write the whole chain atomically (temp file + rename). */
export function saveDataDir(
  dir: string,
  data: {
    chainId: number;
    artifactHash: string;
    timeOffset: bigint;
    state: DevnetState;
    blocks: BlockRecord[];
  },
): void {
  mkdirSync(dir, { recursive: true });
  const saved: Saved = {
    version: VERSION,
    chainId: data.chainId,
    artifactHash: data.artifactHash,
    timeOffset: data.timeOffset.toString(),
    accounts: [...data.state.accounts].map(([addr, a]) => [
      addr,
      a.nonce.toString(),
      a.balance.toString(),
      bytesToHex(a.codeHash),
    ]),
    code: [...data.state.code].map(([addr, c]) => [addr, bytesToHex(c)]),
    storage: [...data.state.storage].map(([addr, slots]) => [
      addr,
      [...slots].map(([k, v]) => [k, bytesToHex(v)]),
    ]),
    blocks: data.blocks.map((b) => ({
      rlp: bytesToHex(b.block.serialize()),
      receipts: b.receipts,
    })),
  };
  const path = join(dir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(saved, replacer));
  renameSync(`${path}.tmp`, path);
}
