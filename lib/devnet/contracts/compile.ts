import { readFileSync } from "node:fs";
import path from "node:path";
import solc from "solc";
import type { Abi, Hex } from "viem";

type Output = {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<string, Record<string, { abi: Abi; evm: { bytecode: { object: string } } }>>;
};

/**
 * Compiles a Solidity test contract in this folder with the npm `solc` (solcjs), for the
 * devnet's Cancun rules. Returns each contract's ABI and creation bytecode.
 */
export function compileTestContract(file: string): Record<string, { abi: Abi; bytecode: Hex }> {
  const source = readFileSync(path.join(import.meta.dirname, file), "utf8");
  const input = {
    language: "Solidity",
    sources: { [file]: { content: source } },
    settings: {
      evmVersion: "cancun",
      optimizer: { enabled: true, runs: 200 },
      outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input))) as Output;
  const errors = (output.errors ?? []).filter((e) => e.severity === "error");
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join("\n"));
  return Object.fromEntries(
    Object.entries(output.contracts[file] ?? {}).map(([name, c]) => [
      name,
      { abi: c.abi, bytecode: `0x${c.evm.bytecode.object}` as Hex },
    ]),
  );
}
