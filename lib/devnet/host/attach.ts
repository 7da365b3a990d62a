import type { Common } from "@ethereumjs/common";
import { type EVM, EVMError, type ExecResult, type PrecompileInput } from "@ethereumjs/evm";
import type { Address } from "@ethereumjs/util";
import type { DevnetState } from "../chain/state";
import { newFrame, type TxEnv } from "./frame";
import type { StylusProgram } from "./program";
import { StylusRuntime } from "./runtime";

type MessageLike = {
  to?: Address;
  caller: Address;
  value: bigint;
  isStatic: boolean;
  depth: number;
};

/** Private EVM fields the host reads: the executing block and transaction. */
type EvmInternals = {
  _block?: {
    header: {
      number: bigint;
      timestamp: bigint;
      baseFeePerGas?: bigint;
      coinbase: Address;
      gasLimit: bigint;
    };
  };
  _tx?: { gasPrice: bigint; origin: Address };
  _executeCall: (message: MessageLike) => Promise<unknown>;
};

export type StylusBinding = {
  /** Pass to `createEVM({ customPrecompiles })`. */
  precompiles: { address: Address; function: (input: PrecompileInput) => Promise<ExecResult> }[];
  /** Call once the EVM exists. */
  attach(evm: EVM): StylusRuntime;
  /** Why the last failed program call failed (a trap or a refused hostio), for diagnostics. */
  lastFault(): string | undefined;
};

/**
 * Registers each Stylus program as a precompile at its address. A precompile only sees its input
 * and gas, so the caller, value, static flag and depth come from a stack of the messages the EVM
 * is executing, kept by wrapping the EVM's call execution.
 */
export function bindStylus(
  state: DevnetState,
  programs: Map<string, { address: Address; program: StylusProgram }>,
  common: Common,
): StylusBinding {
  const stack: MessageLike[] = [];
  let runtime: StylusRuntime | undefined;
  let fault: string | undefined;
  const chainId = common.chainId();

  const run = async (program: StylusProgram, input: PrecompileInput): Promise<ExecResult> => {
    const msg = stack[stack.length - 1];
    if (runtime === undefined || msg?.to === undefined) throw new Error("Stylus host not attached");
    if (msg.depth === 0) fault = undefined;
    const evm = input._EVM as unknown as EvmInternals;
    const header = evm._block?.header;
    const contract = msg.to.toString();
    const env: TxEnv = {
      chainId,
      blockNumber: header?.number ?? 0n,
      timestamp: header?.timestamp ?? 0n,
      basefee: header?.baseFeePerGas ?? 0n,
      coinbase: header?.coinbase.bytes ?? new Uint8Array(20),
      gasLimit: header?.gasLimit ?? 0n,
      origin: evm._tx?.origin.bytes ?? msg.caller.bytes,
      gasPrice: evm._tx?.gasPrice ?? 0n,
    };
    const earlier = stack.slice(0, -1).some((m) => m.to?.toString() === contract);
    const frame = newFrame({
      contract,
      sender: msg.caller.bytes,
      value: msg.value,
      args: input.data,
      isStatic: msg.isStatic,
      reentrant: earlier || runtime.isActive(contract),
      depth: msg.depth,
      gasLeft: input.gasLimit,
      env,
    });
    const out = runtime.execute(frame, program);
    if (out.kind === "success") {
      return {
        returnValue: out.output,
        executionGasUsed: input.gasLimit - out.gasLeft,
        logs: out.logs,
      };
    }
    if (out.kind === "revert") {
      return {
        returnValue: out.output,
        executionGasUsed: input.gasLimit - out.gasLeft,
        exceptionError: new EVMError(EVMError.errorMessages.REVERT),
      };
    }
    fault = out.reason;
    const error =
      out.reason === "out of gas"
        ? EVMError.errorMessages.OUT_OF_GAS
        : EVMError.errorMessages.INVALID_OPCODE;
    return {
      returnValue: new Uint8Array(0),
      executionGasUsed: input.gasLimit,
      exceptionError: new EVMError(error),
    };
  };

  const precompiles = [...programs.values()].map(({ address, program }) => ({
    address,
    function: (input: PrecompileInput) => run(program, input),
  }));

  return {
    precompiles,
    lastFault: () => fault,
    attach(evm: EVM): StylusRuntime {
      const internals = evm as unknown as EvmInternals;
      const original = internals._executeCall.bind(evm);
      internals._executeCall = async (message: MessageLike) => {
        stack.push(message);
        try {
          return await original(message);
        } finally {
          stack.pop();
        }
      };
      const byAddress = new Map<string, StylusProgram>();
      for (const [addr, { program }] of programs) byAddress.set(addr, program);
      runtime = new StylusRuntime(state, evm, byAddress);
      return runtime;
    },
  };
}
