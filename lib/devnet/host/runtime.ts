import type { EVM } from "@ethereumjs/evm";
import { Account, bytesToHex } from "@ethereumjs/util";
import type { DevnetState } from "../chain/state";
import { ExitEarly, type Frame, HostFault, type LogEntry, newFrame, OutOfGas } from "./frame";
import { GAS } from "./gas";
import {
  type CallKind,
  charge,
  createConsoleHooks,
  createVmHooks,
  flushCache,
  type HostRuntime,
  type SubCallResult,
} from "./hostio";
import type { StylusProgram } from "./program";

export type ProgramOutcome =
  | { kind: "success"; output: Uint8Array; logs: LogEntry[]; gasLeft: bigint }
  | { kind: "revert"; output: Uint8Array; gasLeft: bigint }
  | { kind: "failure"; reason: string };

const MAX_DEPTH = 1024;

/**
 * Runs Stylus programs synchronously against the devnet state. Calls the program makes to
 * precompiles, plain accounts and Stylus programs are served synchronously here; the frames of
 * nested programs share this runtime through a stack (Nitro's call stack, in miniature).
 */
export class StylusRuntime implements HostRuntime {
  private readonly frames: Frame[] = [];
  private readonly memories: WebAssembly.Memory[] = [];
  private readonly imports: WebAssembly.Imports;

  constructor(
    readonly state: DevnetState,
    private readonly evm: EVM,
    readonly programs: Map<string, StylusProgram>,
  ) {
    this.imports = {
      vm_hooks: createVmHooks(this),
      console: createConsoleHooks(
        () => this.memory(),
        (line) => console.error(`[stylus] ${line}`),
      ),
    };
  }

  frame(): Frame {
    const f = this.frames[this.frames.length - 1];
    if (f === undefined) throw new Error("no active Stylus frame");
    return f;
  }

  memory(): WebAssembly.Memory {
    const m = this.memories[this.memories.length - 1];
    if (m === undefined) throw new Error("no active Stylus memory");
    return m;
  }

  /** Whether a program frame for `contract` is already running in this runtime. */
  isActive(contract: string): boolean {
    return this.frames.some((f) => f.contract === contract);
  }

  warmSlot(address: Uint8Array, key: Uint8Array): boolean {
    const warm = this.evm.journal.isWarmedStorage(address, key);
    if (!warm) this.evm.journal.addWarmedStorage(address, key);
    return warm;
  }

  warmAddress(address: Uint8Array): boolean {
    const warm = this.evm.journal.isWarmedAddress(address);
    if (!warm) this.evm.journal.addWarmedAddress(address);
    return warm;
  }

  execute(frame: Frame, program: StylusProgram): ProgramOutcome {
    try {
      charge(frame, GAS.entry);
    } catch {
      return { kind: "failure", reason: "out of gas" };
    }
    const inst = program.acquire(this.imports);
    let returnedNormally = false;
    this.frames.push(frame);
    this.memories.push(inst.memory);
    try {
      let status: number;
      try {
        status = inst.entrypoint(frame.args.length);
        returnedNormally = true;
      } catch (e) {
        if (!(e instanceof ExitEarly)) throw e;
        status = e.status;
      }
      if (status !== 0) return { kind: "revert", output: frame.output, gasLeft: frame.gasLeft };
      flushCache(this, frame, true);
      return { kind: "success", output: frame.output, logs: frame.logs, gasLeft: frame.gasLeft };
    } catch (e) {
      if (e instanceof OutOfGas) return { kind: "failure", reason: "out of gas" };
      if (e instanceof HostFault) return { kind: "failure", reason: e.reason };
      if (e instanceof WebAssembly.RuntimeError) return { kind: "failure", reason: e.message };
      throw e;
    } finally {
      this.frames.pop();
      this.memories.pop();
      program.release(this.imports, inst, returnedNormally);
    }
  }

  subCall(
    kind: CallKind,
    target: Uint8Array,
    data: Uint8Array,
    value: bigint,
    gas: bigint,
  ): SubCallResult {
    const frame = this.frame();
    const targetHex = bytesToHex(target);
    let cost = this.warmAddress(target) ? GAS.warmRead : GAS.coldAccount;
    if (value > 0n) {
      cost += GAS.callValue;
      const acc = this.state.getAccountSync(targetHex);
      if (acc === undefined || acc.isEmpty()) cost += GAS.callNewAccount;
    }
    if (frame.gasLeft < cost) throw new OutOfGas();
    const available = frame.gasLeft - cost;
    const capped = available - available / 64n;
    const forwarded = gas < capped ? gas : capped;
    const stipend = value > 0n ? GAS.callStipend : 0n;
    const fail = (used: bigint): SubCallResult => ({
      status: 1,
      returnData: new Uint8Array(0),
      gasUsed: cost + used,
    });
    if (frame.depth + 1 > MAX_DEPTH) return fail(0n);
    if (value > 0n && this.state.balanceOf(frame.contract) < value) return fail(0n);

    this.state.checkpointSync();
    try {
      if (value > 0n) this.transfer(frame.contract, targetHex, value);
      const r = this.dispatch(kind, frame, targetHex, data, value, forwarded + stipend);
      if (r.status === 0) this.state.commitSync();
      else this.state.revertSync();
      const used = r.used > stipend ? r.used - stipend : 0n;
      return { status: r.status, returnData: r.returnData, gasUsed: cost + used };
    } catch (e) {
      this.state.revertSync();
      throw e;
    }
  }

  private dispatch(
    kind: CallKind,
    frame: Frame,
    targetHex: string,
    data: Uint8Array,
    value: bigint,
    gasLimit: bigint,
  ): { status: number; returnData: Uint8Array; used: bigint } {
    const program = this.programs.get(targetHex);
    if (program !== undefined) {
      const contract = kind === "delegate" ? frame.contract : targetHex;
      const child = newFrame({
        contract,
        sender: kind === "delegate" ? frame.sender : frame.contractBytes,
        value: kind === "delegate" ? frame.value : value,
        args: data,
        isStatic: frame.isStatic || kind === "static",
        reentrant: this.isActive(contract),
        depth: frame.depth + 1,
        gasLeft: gasLimit,
        env: frame.env,
      });
      const out = this.execute(child, program);
      if (out.kind === "success") {
        frame.logs.push(...out.logs);
        return { status: 0, returnData: out.output, used: gasLimit - out.gasLeft };
      }
      if (out.kind === "revert") {
        return { status: 1, returnData: out.output, used: gasLimit - out.gasLeft };
      }
      return { status: 1, returnData: new Uint8Array(0), used: gasLimit };
    }
    const precompile = this.evm.getPrecompile(targetHex as `0x${string}`);
    if (precompile !== undefined) {
      const r = precompile({ data, gasLimit, common: this.evm.common, _EVM: this.evm });
      if (r instanceof Promise) throw new HostFault(`precompile ${targetHex} is asynchronous`);
      const ok = r.exceptionError === undefined;
      return {
        status: ok ? 0 : 1,
        returnData: r.returnValue,
        used: ok ? r.executionGasUsed : gasLimit,
      };
    }
    if (this.state.getCodeSync(targetHex).length === 0) {
      return { status: 0, returnData: new Uint8Array(0), used: 0n };
    }
    throw new HostFault(
      `call from a Stylus program into EVM bytecode at ${targetHex} is not supported by the devnet`,
    );
  }

  private transfer(from: string, to: string, value: bigint): void {
    const src = this.state.getAccountSync(from) ?? new Account();
    src.balance -= value;
    this.state.putAccountSync(from, src);
    const dst = this.state.getAccountSync(to) ?? new Account();
    dst.balance += value;
    this.state.putAccountSync(to, dst);
  }
}
