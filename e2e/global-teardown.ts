import { rmSync } from "node:fs";

/** Drops the throwaway database folder once the web server has stopped. */
export default function globalTeardown() {
  const dir = process.env.E2E_DATA_DIR;
  if (dir && process.env.E2E_DATA_DIR_OWNED === "1") rmSync(dir, { recursive: true, force: true });
}
