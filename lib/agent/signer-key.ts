import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

/**
 * The agent's signer key: read from `file`, or created there on first run with mode 0600 (only
 * this user reads it). The provider registers its address with setSigner; the key signs quotes
 * and pays gas for acknowledgeStart and submitResult.
 */
export function loadOrCreateSignerKey(file: string) {
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${generatePrivateKey()}\n`, { mode: 0o600, flag: "wx" });
    created = true;
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    // A key others can read is no longer only ours; tighten it and say so.
    chmodSync(file, 0o600);
  }
  const key = readFileSync(file, "utf8").trim();
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) {
    throw new Error(`${file} does not hold a 0x-prefixed 32-byte private key.`);
  }
  return {
    account: privateKeyToAccount(key as Hex),
    created,
    loosePermissions: (mode & 0o077) !== 0,
  };
}
