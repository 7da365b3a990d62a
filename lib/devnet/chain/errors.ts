/**
 * An error a node reports to its client, with the JSON-RPC code a geth-compatible node uses:
 * -32000 for rejected transactions, 3 for execution reverted (with the revert bytes as data),
 * -32602 for bad parameters.
 */
export class ChainError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: `0x${string}`,
  ) {
    super(message);
    this.name = "ChainError";
  }
}

export const rejected = (message: string): ChainError => new ChainError(-32000, message);
export const badParams = (message: string): ChainError => new ChainError(-32602, message);
export const reverted = (data: `0x${string}`): ChainError =>
  new ChainError(3, "execution reverted", data);
