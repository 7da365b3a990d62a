import type { AccountFields, StateManagerInterface } from "@ethereumjs/common";
import { Account, type Address, bytesToHex, KECCAK256_NULL } from "@ethereumjs/util";
import { keccak256 } from "viem";

type Undo = () => void;

/** A value as it was before a change; `undefined` where the account, code or slot was absent. */
export type Prior =
  | { kind: "account"; address: string; value: Account | undefined }
  | { kind: "code"; address: string; value: Uint8Array | undefined }
  | { kind: "slot"; address: string; slot: string; value: Uint8Array | undefined };

/**
 * What a span of changes replaced: per key (`accountKey`, `codeKey`, `slotKey`), the value before
 * the first change in the span.
 */
export type StateChanges = Map<string, Prior>;

export const accountKey = (address: string): string => `a${address}`;
export const codeKey = (address: string): string => `c${address}`;
export const slotKey = (address: string, slot: string): string => `s${address}${slot}`;

/**
 * In-memory world state with an undo journal.
 *
 * Why not a Merkle trie: the Stylus host interface is synchronous, so the WASM contract must read
 * storage without awaiting; keeping all state in plain maps lets the host read and write it
 * directly while the EVM uses the usual async interface. Checkpoints are O(1) (a journal mark)
 * and there is no trie commit per block. The price is that there is no real state root (see
 * `stateCommitment`). Past states are not kept whole: every write notes the value it replaces
 * (once per key and block), and `StateHistory` keeps those notes for recent blocks.
 */
export class DevnetState implements StateManagerInterface {
  readonly accounts = new Map<string, Account>();
  readonly code = new Map<string, Uint8Array>();
  readonly storage = new Map<string, Map<string, Uint8Array>>();
  private journal: Undo[] = [];
  private marks: number[] = [];
  private originals = new Map<string, Uint8Array>();
  /** What the writes since the last sealed block replaced (see `takeChanges`). */
  private unsealed: StateChanges = new Map();
  /**
   * Whether writes are noted in `unsealed`. Off while an eth_call runs: a call's writes are always
   * reverted, so they replace nothing.
   */
  recordChanges = true;

  readonly originalStorageCache = {
    get: async (address: Address, key: Uint8Array): Promise<Uint8Array> => {
      const id = `${address.toString()}${bytesToHex(key)}`;
      const known = this.originals.get(id);
      if (known !== undefined) return known;
      const value = this.getStorageSync(address.toString(), bytesToHex(key));
      this.originals.set(id, value);
      return value;
    },
    clear: (): void => {
      this.originals = new Map();
    },
  };

  /** Journal depth; 0 means no open checkpoint (writes are then final). */
  get depth(): number {
    return this.marks.length;
  }

  private record(undo: Undo): void {
    if (this.marks.length > 0) this.journal.push(undo);
  }

  getAccountSync(address: string): Account | undefined {
    const acc = this.accounts.get(address);
    if (acc === undefined) return undefined;
    return new Account(acc.nonce, acc.balance, acc.storageRoot, acc.codeHash);
  }

  putAccountSync(address: string, account: Account | undefined): void {
    const prev = this.accounts.get(address);
    if (this.recordChanges) {
      const key = accountKey(address);
      if (!this.unsealed.has(key))
        this.unsealed.set(key, { kind: "account", address, value: prev });
    }
    this.record(() => {
      if (prev === undefined) this.accounts.delete(address);
      else this.accounts.set(address, prev);
    });
    if (account === undefined) this.accounts.delete(address);
    else
      this.accounts.set(
        address,
        new Account(account.nonce, account.balance, account.storageRoot, account.codeHash),
      );
  }

  balanceOf(address: string): bigint {
    return this.accounts.get(address)?.balance ?? 0n;
  }

  /** Storage value, unpadded (empty for zero), as the EVM stores it. */
  getStorageSync(address: string, keyHex: string): Uint8Array {
    return this.storage.get(address)?.get(keyHex) ?? new Uint8Array(0);
  }

  putStorageSync(address: string, keyHex: string, value: Uint8Array): void {
    let slots = this.storage.get(address);
    if (slots === undefined) {
      slots = new Map();
      this.storage.set(address, slots);
    }
    const map = slots;
    const prev = map.get(keyHex);
    if (this.recordChanges) {
      const key = slotKey(address, keyHex);
      if (!this.unsealed.has(key)) {
        this.unsealed.set(key, { kind: "slot", address, slot: keyHex, value: prev });
      }
    }
    this.record(() => {
      if (prev === undefined) map.delete(keyHex);
      else map.set(keyHex, prev);
    });
    let start = 0;
    while (start < value.length && value[start] === 0) start++;
    if (start === value.length) map.delete(keyHex);
    else map.set(keyHex, value.slice(start));
  }

  getCodeSync(address: string): Uint8Array {
    return this.code.get(address) ?? new Uint8Array(0);
  }

  putCodeSync(address: string, value: Uint8Array): void {
    this.setCodeOnly(address, value);
    const acc = this.getAccountSync(address) ?? new Account();
    acc.codeHash = value.length === 0 ? KECCAK256_NULL : keccak256(value, "bytes");
    this.putAccountSync(address, acc);
  }

  /** Code without touching the account's code hash (journaled, noted like any write). */
  private setCodeOnly(address: string, value: Uint8Array | undefined): void {
    const prev = this.code.get(address);
    if (this.recordChanges) {
      const key = codeKey(address);
      if (!this.unsealed.has(key)) this.unsealed.set(key, { kind: "code", address, value: prev });
    }
    this.record(() => {
      if (prev === undefined) this.code.delete(address);
      else this.code.set(address, prev);
    });
    if (value === undefined) this.code.delete(address);
    else this.code.set(address, value);
  }

  /** Put back the value `prior` holds (journaled: a checkpoint revert undoes it). */
  restoreSync(prior: Prior): void {
    if (prior.kind === "account") this.putAccountSync(prior.address, prior.value);
    else if (prior.kind === "code") this.setCodeOnly(prior.address, prior.value);
    else this.putStorageSync(prior.address, prior.slot, prior.value ?? new Uint8Array(0));
  }

  /**
   * What the writes since the last call replaced, and start a new span: the chain keeps the span
   * with the block it seals, so a read at an older block can put the old values back.
   */
  takeChanges(): StateChanges {
    const changes = this.unsealed;
    this.unsealed = new Map();
    return changes;
  }

  /** What the writes since the last sealed block replaced (read-only view). */
  unsealedChanges(): ReadonlyMap<string, Prior> {
    return this.unsealed;
  }

  /** Replace the unsealed span (evm_revert puts back the one its snapshot copied). */
  restoreUnsealedChanges(changes: ReadonlyMap<string, Prior>): void {
    this.unsealed = new Map(changes);
  }

  checkpointSync(): void {
    this.marks.push(this.journal.length);
  }

  commitSync(): void {
    this.marks.pop();
    if (this.marks.length === 0) this.journal = [];
  }

  revertSync(): void {
    const mark = this.marks.pop();
    if (mark === undefined) throw new Error("revert without checkpoint");
    while (this.journal.length > mark) this.journal.pop()?.();
  }

  async getAccount(address: Address): Promise<Account | undefined> {
    return this.getAccountSync(address.toString());
  }
  async putAccount(address: Address, account?: Account): Promise<void> {
    this.putAccountSync(address.toString(), account);
  }
  async deleteAccount(address: Address): Promise<void> {
    this.putAccountSync(address.toString(), undefined);
  }
  async modifyAccountFields(address: Address, fields: AccountFields): Promise<void> {
    const acc = this.getAccountSync(address.toString()) ?? new Account();
    if (fields.nonce !== undefined) acc.nonce = fields.nonce;
    if (fields.balance !== undefined) acc.balance = fields.balance;
    if (fields.storageRoot !== undefined) acc.storageRoot = fields.storageRoot;
    if (fields.codeHash !== undefined) acc.codeHash = fields.codeHash;
    this.putAccountSync(address.toString(), acc);
  }
  async putCode(address: Address, value: Uint8Array): Promise<void> {
    this.putCodeSync(address.toString(), value);
  }
  async getCode(address: Address): Promise<Uint8Array> {
    return this.getCodeSync(address.toString());
  }
  async getCodeSize(address: Address): Promise<number> {
    return this.getCodeSync(address.toString()).length;
  }
  async getStorage(address: Address, key: Uint8Array): Promise<Uint8Array> {
    return this.getStorageSync(address.toString(), bytesToHex(key));
  }
  async putStorage(address: Address, key: Uint8Array, value: Uint8Array): Promise<void> {
    this.putStorageSync(address.toString(), bytesToHex(key), value);
  }
  async clearStorage(address: Address): Promise<void> {
    this.clearStorageSync(address.toString());
  }
  clearStorageSync(addr: string): void {
    const prev = this.storage.get(addr);
    if (prev === undefined) return;
    if (this.recordChanges) {
      for (const [slot, value] of prev) {
        const key = slotKey(addr, slot);
        if (!this.unsealed.has(key)) {
          this.unsealed.set(key, { kind: "slot", address: addr, slot, value });
        }
      }
    }
    this.record(() => this.storage.set(addr, prev));
    this.storage.delete(addr);
  }
  async checkpoint(): Promise<void> {
    this.checkpointSync();
  }
  async commit(): Promise<void> {
    this.commitSync();
  }
  async revert(): Promise<void> {
    this.revertSync();
  }
  /** Set by the chain when it seals a block; see `Chain` for what it commits to. */
  stateRoot: Uint8Array = new Uint8Array(32);

  async getStateRoot(): Promise<Uint8Array> {
    return this.stateRoot;
  }
  async setStateRoot(): Promise<void> {
    throw new Error("the devnet state has no trie: setStateRoot is not supported");
  }
  async hasStateRoot(): Promise<boolean> {
    return false;
  }
  clearCaches(): void {}
  shallowCopy(): StateManagerInterface {
    throw new Error("the devnet state cannot be copied");
  }
}
