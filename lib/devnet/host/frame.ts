/** A log as ethereumjs precompiles return it: [address, topics, data]. */
export type LogEntry = [Uint8Array, Uint8Array[], Uint8Array];

/** Block and transaction context, fixed for one transaction or call. */
export type TxEnv = {
  chainId: bigint;
  blockNumber: bigint;
  timestamp: bigint;
  basefee: bigint;
  coinbase: Uint8Array;
  gasLimit: bigint;
  origin: Uint8Array;
  gasPrice: bigint;
};

type CacheSlot = { value: Uint8Array; dirty: boolean };

/** One invocation of a Stylus program (what Nitro keeps in its per-call EvmApi). */
export type Frame = {
  /** Storage and balance owner, 0x-prefixed lowercase (differs from the code address under delegatecall). */
  contract: string;
  contractBytes: Uint8Array;
  sender: Uint8Array;
  value: bigint;
  args: Uint8Array;
  isStatic: boolean;
  reentrant: boolean;
  depth: number;
  gasLeft: bigint;
  output: Uint8Array;
  returnData: Uint8Array;
  logs: LogEntry[];
  /** The Stylus storage cache: reads and writes stay here until a flush. */
  cache: Map<string, CacheSlot>;
  env: TxEnv;
};

export type FrameInit = Omit<Frame, "output" | "returnData" | "logs" | "cache" | "contractBytes">;

export function newFrame(init: FrameInit): Frame {
  return {
    ...init,
    contractBytes: hexToBytes20(init.contract),
    output: new Uint8Array(0),
    returnData: new Uint8Array(0),
    logs: [],
    cache: new Map(),
  };
}

function hexToBytes20(hex: string): Uint8Array {
  const out = new Uint8Array(20);
  for (let i = 0; i < 20; i++) out[i] = Number.parseInt(hex.slice(2 + i * 2, 4 + i * 2), 16);
  return out;
}

/** Thrown by `exit_early` to unwind the program with a status. */
export class ExitEarly {
  constructor(readonly status: number) {}
}

/** The program ran out of gas; the frame fails and consumes all its gas. */
export class OutOfGas {}

/**
 * The program did something the host refuses (a write in a static call, more than 4 topics, an
 * out-of-bounds pointer...). Nitro turns these into a failed call that consumes all gas.
 */
export class HostFault {
  constructor(readonly reason: string) {}
}
