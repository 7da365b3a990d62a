/**
 * What the test tiers need from the system, checked before any tier runs. Whatever is missing
 * is installed when that can be done here (rustup components; Debian packages as root), or the
 * run stops at once with the exact command to run.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";

/** One thing a tier needs, how to tell it is there, and what provides it. */
export type Need = {
  /** What it is, as a person would name it. */
  what: string;
  present: () => boolean;
  /** Debian packages that provide it. */
  apt?: string[];
  /** A rustup component that provides it, preferred over `apt` where rustup is installed. */
  rustup?: string;
  /** Said instead of a command when nothing here can provide it. */
  hint?: string;
};

export type Probe = {
  /** Does this command run and exit 0? */
  runs: (cmd: string, args: string[]) => boolean;
  exists: (file: string) => boolean;
  /** The names in a folder; none when it cannot be read. */
  list: (dir: string) => string[];
  /** Is `cmd` an executable on PATH? */
  onPath: (cmd: string) => boolean;
};

/** Environment variables; DATABASE_URL and CHROMIUM_PATH change what the tiers need. */
export type Env = Record<string, string | undefined>;

export const systemProbe: Probe = {
  runs: (cmd, args) => spawnSync(cmd, args, { stdio: "ignore" }).status === 0,
  exists: existsSync,
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  onPath: (cmd) =>
    (process.env.PATH ?? "")
      .split(path.delimiter)
      .some((dir) => dir !== "" && existsSync(path.join(dir, cmd))),
};

/** Debian's PostgreSQL server lives in /usr/lib/postgresql/<version>/bin. */
function postgresServerPresent(probe: Probe): boolean {
  const root = "/usr/lib/postgresql";
  return probe.list(root).some((v) => probe.exists(path.join(root, v, "bin", "pg_ctl")));
}

/** The Debian WASM recipe (scripts/contract/toolchain.ts) and the files it calls by path. */
export const DEBIAN_WASM_TOOLCHAIN = [
  "/usr/bin/rustc",
  "/usr/bin/cargo",
  "/usr/lib/rustlib/src/rust/library",
  "/usr/lib/llvm-19/bin/wasm-ld",
];

/** The needs of each tier; a tier not named needs only what `npm ci` installs. */
export function tierNeeds(tier: string, env: Env, probe: Probe = systemProbe): Need[] {
  const postgres: Need = {
    what: "a PostgreSQL server (initdb, pg_ctl)",
    present: () => postgresServerPresent(probe),
    apt: ["postgresql"],
  };
  switch (tier) {
    case "contract":
      return [
        {
          what: "cargo (the native Rust toolchain)",
          present: () => probe.runs("cargo", ["--version"]),
          apt: ["cargo-web"],
        },
        {
          what: "cargo fmt",
          present: () => probe.runs("cargo", ["fmt", "--version"]),
          rustup: "rustfmt",
          apt: ["rustfmt-web"],
        },
        {
          what: "cargo clippy",
          present: () => probe.runs("cargo", ["clippy", "--version"]),
          rustup: "clippy",
          apt: ["rust-web-clippy"],
        },
        {
          what: "the WASM toolchain (Debian rustc and cargo, standard library sources, wasm-ld)",
          present: () => DEBIAN_WASM_TOOLCHAIN.every((p) => probe.exists(p)),
          apt: ["rustc-web", "cargo-web", "rust-web-src", "lld-19"],
        },
        { what: "wasm-opt", present: () => probe.onPath("wasm-opt"), apt: ["binaryen"] },
        { what: "brotli", present: () => probe.onPath("brotli"), apt: ["brotli"] },
      ];
    case "db:postgres":
    case "chain":
      // A server given by URL is used as it is.
      return env.DATABASE_URL ? [] : [postgres];
    case "e2e": {
      // The app server of the wallet specs runs on Postgres, shared with the specs' fixtures.
      const server = env.DATABASE_URL ? [] : [postgres];
      const chromium = env.CHROMIUM_PATH;
      if (chromium) {
        return [
          ...server,
          {
            what: `Chromium at CHROMIUM_PATH (${chromium})`,
            present: () => probe.exists(chromium),
            hint: "Set CHROMIUM_PATH to a Chromium executable, or unset it to use Debian's.",
          },
        ];
      }
      return [
        ...server,
        {
          what: "Chromium (/usr/bin/chromium)",
          present: () => probe.exists("/usr/bin/chromium"),
          apt: ["chromium"],
        },
      ];
    }
    default:
      return [];
  }
}

export type Plan = {
  /** rustup components to add. */
  rustup: string[];
  /** Debian packages to install, each once, in the order first needed. */
  apt: string[];
  /** Missing needs nothing here can provide, with what to do instead. */
  unfixable: { what: string; hint: string }[];
};

/** What to install for the needs that are missing (`missing` as returned by a check). */
export function planInstall(missing: Need[], hasRustup: boolean): Plan {
  const plan: Plan = { rustup: [], apt: [], unfixable: [] };
  for (const need of missing) {
    if (need.rustup && hasRustup) {
      if (!plan.rustup.includes(need.rustup)) plan.rustup.push(need.rustup);
    } else if (need.apt) {
      for (const pkg of need.apt) if (!plan.apt.includes(pkg)) plan.apt.push(pkg);
    } else {
      plan.unfixable.push({ what: need.what, hint: need.hint ?? `Install ${need.what}.` });
    }
  }
  return plan;
}

export const APT_OPTIONS = ["-y", "--no-install-recommends"];

/** The commands that install `packages` on Debian 12, with sudo for a user who is not root. */
export function aptCommand(packages: string[], sudo: boolean): string {
  const s = sudo ? "sudo " : "";
  return `${s}apt-get update && ${s}apt-get install ${APT_OPTIONS.join(" ")} ${packages.join(" ")}`;
}

export type PreflightHost = {
  probe: Probe;
  isRoot: boolean;
  log: (line: string) => void;
  /** Runs a command with its output shown; true when it exits 0. */
  run: (cmd: string, args: string[], env?: NodeJS.ProcessEnv) => boolean;
};

const systemHost: PreflightHost = {
  probe: systemProbe,
  isRoot: process.getuid?.() === 0,
  log: (line) => console.log(line),
  run: (cmd, args, env) =>
    spawnSync(cmd, args, { stdio: ["ignore", "inherit", "inherit"], env: env ?? process.env })
      .status === 0,
};

/**
 * Checks the needs of `tiers` and installs what is missing where it can. Returns undefined when
 * everything is there, or the message to stop with.
 */
export function preflight(
  tiers: string[],
  env: Env = process.env,
  host: PreflightHost = systemHost,
): string | undefined {
  const needs = tiers.flatMap((tier) => tierNeeds(tier, env, host.probe));
  const missingNow = () => needs.filter((n) => !n.present());
  let missing = missingNow();
  if (missing.length === 0) return undefined;

  const hasRustup = host.probe.onPath("rustup");
  const canApt = host.isRoot && host.probe.onPath("apt-get");
  const stop = (still: Need[], failed: boolean) => {
    const left = planInstall(still, hasRustup);
    const lines = [`The tests need ${still.map((n) => n.what).join("; ")}.`];
    if (left.rustup.length > 0) {
      lines.push(`Add the Rust components with:\n  rustup component add ${left.rustup.join(" ")}`);
    }
    if (left.apt.length > 0) {
      lines.push(
        failed
          ? `Installing the Debian packages did not provide them: ${aptCommand(left.apt, false)}`
          : `Install the Debian packages (Debian 12) with:\n  ${aptCommand(left.apt, !host.isRoot)}`,
      );
    }
    for (const u of left.unfixable) lines.push(u.hint);
    return lines.join("\n");
  };

  const plan = planInstall(missing, hasRustup);
  // Without root, say everything that is missing at once rather than installing half of it.
  if (plan.unfixable.length > 0 || (plan.apt.length > 0 && !canApt)) return stop(missing, false);

  host.log(`preflight: missing ${missing.map((n) => n.what).join("; ")}`);
  if (plan.rustup.length > 0) {
    host.log(`preflight: rustup component add ${plan.rustup.join(" ")}`);
    host.run("rustup", ["component", "add", ...plan.rustup]);
  }
  if (plan.apt.length > 0) {
    host.log(`preflight: apt-get install ${plan.apt.join(" ")}`);
    const aptEnv = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
    if (
      host.run("apt-get", ["update", "-qq"], aptEnv) &&
      host.run("apt-get", ["install", "-qq", ...APT_OPTIONS, ...plan.apt], aptEnv) &&
      plan.apt.includes("postgresql")
    ) {
      // The package starts a cluster of its own; the tests start a throwaway one instead.
      host.run("service", ["postgresql", "stop"]);
    }
  }
  missing = missingNow();
  return missing.length === 0 ? undefined : stop(missing, true);
}
