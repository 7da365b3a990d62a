import { type ChildProcess, spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "../..");

export type AgentProcess = {
  child: ChildProcess;
  output: () => string;
  /** Resolves when a line matching `pattern` has been printed. */
  waitFor: (pattern: RegExp, ms?: number) => Promise<void>;
  exited: Promise<number | null>;
};

/** The real command (`lib/agent/bin.mjs`, as `npm run agent`) as a child process, its output collected. */
export function spawnAgent(args: string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, [path.join(root, "lib/agent/bin.mjs"), ...args], {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? "",
      HOME: process.env.HOME ?? "",
      ...env,
    } as unknown as NodeJS.ProcessEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let text = "";
  const watchers = new Set<() => void>();
  const take = (chunk: Buffer) => {
    text += chunk.toString();
    for (const watch of watchers) watch();
    if (process.env.AGENT_TEST_ECHO) process.stdout.write(chunk);
  };
  child.stdout?.on("data", take);
  child.stderr?.on("data", take);
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return {
    child,
    output: () => text,
    exited,
    waitFor: (pattern, ms = 60_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (pattern.test(text)) {
            watchers.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          watchers.delete(check);
          reject(new Error(`the agent never printed ${pattern}; it printed:\n${text}`));
        }, ms);
        watchers.add(check);
        check();
      }),
  };
}

/** Polls `read` until `done` says yes (conditions in other processes; not a timing assertion). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  ms = 60_000,
  what = "condition",
): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until)
      throw new Error(
        `${what} not reached; last: ${JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`,
      );
    await new Promise((r) => setTimeout(r, 100));
  }
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
 * lib/agent/server-process.ts as a child process (the agent API, its Postgres pool, the
 * indexer), served once it says so; close() kills it with SIGKILL, as a crash would.
 */
export async function startServerProcess(env: Record<string, string>) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "--conditions=react-server",
      path.join(root, "lib/agent/server-process.ts"),
    ],
    {
      cwd: root,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        ...env,
      } as unknown as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  let text = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the server process never served:\n${text}`)),
      120_000,
    );
    const take = (chunk: Buffer) => {
      text += chunk.toString();
      if (process.env.AGENT_TEST_ECHO) process.stdout.write(chunk);
      const served = /serving (\S+)/.exec(text);
      if (served?.[1]) {
        clearTimeout(timer);
        resolve(served[1]);
      }
    };
    child.stdout?.on("data", take);
    child.stderr?.on("data", take);
    child.on("exit", (code) => reject(new Error(`the server process exited (${code}):\n${text}`)));
  });
  return {
    url,
    port: Number(new URL(url).port),
    pid: child.pid as number,
    close: async () => {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
