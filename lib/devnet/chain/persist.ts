import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createBlockFromRLP } from "@ethereumjs/block";
import type { Common } from "@ethereumjs/common";
import { Account, bytesToHex, hexToBytes } from "@ethereumjs/util";
import type { SavedStateHistory } from "./chain";
import type { StateHistory } from "./history";
import type { BlockRecord, ReceiptRecord } from "./records";
import { accountKey, codeKey, DevnetState, type Prior, type StateChanges, slotKey } from "./state";

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
  /** Absent in files written before it existed: their past states cannot be read. */
  stateHistory?: { unsealed: SavedPrior[]; blocks: [number, SavedPrior[]][] };
};

/** A `Prior`; the value is left out where the account, code or slot was absent. */
type SavedPrior =
  | ["a", string, string?, string?, string?]
  | ["c", string, string?]
  | ["s", string, string, string?];

export type Loaded = {
  state: DevnetState;
  history: BlockRecord[];
  timeOffset: bigint;
  artifactHash: string;
  stateHistory?: SavedStateHistory;
};

function savePrior(p: Prior): SavedPrior {
  if (p.kind === "account") {
    const a = p.value;
    return a === undefined
      ? ["a", p.address]
      : ["a", p.address, a.nonce.toString(), a.balance.toString(), bytesToHex(a.codeHash)];
  }
  if (p.kind === "code") {
    return p.value === undefined ? ["c", p.address] : ["c", p.address, bytesToHex(p.value)];
  }
  return p.value === undefined
    ? ["s", p.address, p.slot]
    : ["s", p.address, p.slot, bytesToHex(p.value)];
}

function loadChanges(saved: SavedPrior[]): StateChanges {
  const changes: StateChanges = new Map();
  for (const entry of saved) {
    if (entry[0] === "a") {
      const [, address, nonce, balance, codeHash] = entry;
      const value =
        nonce === undefined || balance === undefined || codeHash === undefined
          ? undefined
          : new Account(
              BigInt(nonce),
              BigInt(balance),
              undefined,
              hexToBytes(codeHash as `0x${string}`),
            );
      changes.set(accountKey(address), { kind: "account", address, value });
    } else if (entry[0] === "c") {
      const [, address, code] = entry;
      const value = code === undefined ? undefined : hexToBytes(code as `0x${string}`);
      changes.set(codeKey(address), { kind: "code", address, value });
    } else {
      const [, address, slot, v] = entry;
      const value = v === undefined ? undefined : hexToBytes(v as `0x${string}`);
      changes.set(slotKey(address, slot), { kind: "slot", address, slot, value });
    }
  }
  return changes;
}

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
  const stateHistory = saved.stateHistory && {
    unsealed: loadChanges(saved.stateHistory.unsealed),
    blocks: saved.stateHistory.blocks.map(([n, c]): [number, StateChanges] => [n, loadChanges(c)]),
  };
  return {
    state,
    history,
    timeOffset: BigInt(saved.timeOffset),
    artifactHash: saved.artifactHash,
    stateHistory,
  };
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
    stateHistory?: StateHistory;
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
    stateHistory: data.stateHistory && {
      unsealed: [...data.state.unsealedChanges().values()].map(savePrior),
      blocks: data.stateHistory.entries().map(([n, c]) => [n, [...c.values()].map(savePrior)]),
    },
  };
  const path = join(dir, FILE);
  writeFileSync(`${path}.tmp`, JSON.stringify(saved, replacer));
  renameSync(`${path}.tmp`, path);
}
