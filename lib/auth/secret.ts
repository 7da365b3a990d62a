import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

/** Where the generated secret lives: next to the embedded database, in the same data folder. */
export function secretFilePath(pgliteDataDir: string): string {
  return path.join(path.dirname(path.resolve(pgliteDataDir)), "session-secret");
}

/**
 * SESSION_SECRET when set; otherwise a random secret generated on first use and kept (mode 0600)
 * in the data folder, so sessions survive restarts without any setup. `wx` makes the first writer
 * win when two processes start at once; the loser reads what the winner wrote.
 */
export function loadOrCreateSecret(configured: string | undefined, file: string): string {
  if (configured) return configured;
  try {
    return readSecret(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600, flag: "wx" });
    // The umask may have widened the mode given to writeFileSync.
    chmodSync(file, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readSecret(file);
}

function readSecret(file: string): string {
  const secret = readFileSync(file, "utf8").trim();
  if (secret.length < 32) {
    throw new Error(
      `The session secret in ${file} is shorter than 32 characters; delete the file to generate a new one, or set SESSION_SECRET.`,
    );
  }
  return secret;
}
