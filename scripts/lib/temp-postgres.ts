import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

export type TempPostgres = { url: string; stop: () => void };

const INSTALL_HINT =
  "Install the Debian PostgreSQL server (apt-get update && apt-get install -y postgresql) or set DATABASE_URL to a server you own.";

/** The directory holding initdb and pg_ctl from Debian's postgresql packages, newest version first. */
export function findPostgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, "bin", "pg_ctl")))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(root, versions[0], "bin") : undefined;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a throwaway Postgres cluster in a temp dir (as the postgres user when run as root, since
 * initdb refuses root), listening on a free loopback port. stop() shuts it down and deletes it.
 */
/** `settings`: extra server settings (`-c name=value`), e.g. a benchmark's shared_buffers. */
export async function startTempPostgres(
  settings: Record<string, string> = {},
): Promise<TempPostgres> {
  const bin = findPostgresBin();
  if (!bin)
    throw new Error(`No PostgreSQL server binaries under /usr/lib/postgresql. ${INSTALL_HINT}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), "gpu-market-pg-"));
  const dataDir = path.join(dir, "data");
  const asRoot = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) => {
    const full = asRoot ? ["-u", "postgres", "--", path.join(bin, cmd), ...args] : args;
    const result = spawnSync(asRoot ? "runuser" : path.join(bin, cmd), full, { encoding: "utf8" });
    if (result.status !== 0) {
      throw new Error(`${cmd} failed (${result.status}): ${result.stderr || result.stdout}`);
    }
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  run("initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
  const opts = [
    `-p ${port}`,
    "-c listen_addresses=127.0.0.1",
    `-c unix_socket_directories=${dir}`,
    "-c max_connections=200",
    "-c fsync=off",
    "-c synchronous_commit=off",
    "-c full_page_writes=off",
    ...Object.entries(settings).map(([name, value]) => `-c ${name}=${value}`),
  ].join(" ");
  run("pg_ctl", ["-D", dataDir, "-o", opts, "-l", path.join(dir, "server.log"), "-w", "start"]);
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    try {
      run("pg_ctl", ["-D", dataDir, "-m", "immediate", "-w", "stop"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}
