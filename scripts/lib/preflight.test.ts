import { describe, expect, it } from "vitest";
import { DEBIAN_WASM_TOOLCHAIN, type PreflightHost, preflight, tierNeeds } from "./preflight";

/** Debian packages and the files they put on the machine (as far as the checks look). */
const PACKAGE_FILES: Record<string, string[]> = {
  postgresql: ["/usr/lib/postgresql/15/bin/pg_ctl"],
  chromium: ["/usr/bin/chromium"],
  "rustc-web": ["/usr/bin/rustc"],
  "cargo-web": ["/usr/bin/cargo"],
  "rust-web-src": ["/usr/lib/rustlib/src/rust/library"],
  "lld-19": ["/usr/lib/llvm-19/bin/wasm-ld"],
  binaryen: ["/bin/wasm-opt"],
  brotli: ["/bin/brotli"],
};
const ALL_PACKAGES = Object.keys(PACKAGE_FILES);

/** A machine with `packages` installed and rustup's cargo with `components`. */
function fakeHost(opts: {
  isRoot: boolean;
  packages?: string[];
  components?: string[];
  rustup?: boolean;
  aptWorks?: boolean;
}) {
  const files = new Set<string>(["/bin/apt-get"]);
  if (opts.rustup ?? true) files.add("/bin/rustup").add("/bin/cargo");
  const components = new Set(opts.components ?? ["clippy", "rustfmt"]);
  const install = (pkg: string) => {
    for (const f of PACKAGE_FILES[pkg] ?? []) files.add(f);
  };
  for (const pkg of opts.packages ?? []) install(pkg);
  const commands: string[] = [];
  const host: PreflightHost = {
    isRoot: opts.isRoot,
    log: () => {},
    probe: {
      exists: (f) => files.has(f),
      list: (dir) =>
        [...files]
          .filter((f) => f.startsWith(`${dir}/`))
          .map((f) => f.slice(dir.length + 1).split("/")[0] ?? ""),
      onPath: (cmd) => files.has(`/bin/${cmd}`),
      runs: (cmd, args) => {
        if (cmd !== "cargo" || !files.has("/bin/cargo")) return false;
        if (args[0] === "fmt") return components.has("rustfmt");
        if (args[0] === "clippy") return components.has("clippy");
        return true;
      },
    },
    run: (cmd, args) => {
      commands.push([cmd, ...args].join(" "));
      if (cmd === "rustup") for (const c of args.slice(2)) components.add(c);
      if (cmd === "apt-get" && args[0] === "install" && (opts.aptWorks ?? true)) {
        for (const a of args.slice(1)) if (!a.startsWith("-")) install(a);
      }
      return true;
    },
  };
  return { host, commands };
}

const env = {};

describe("preflight", () => {
  it("does nothing when every tier's needs are there", () => {
    const { host, commands } = fakeHost({ isRoot: false, packages: ALL_PACKAGES });
    expect(preflight(["contract", "e2e"], env, host)).toBeUndefined();
    expect(commands).toEqual([]);
  });

  it("checks only the selected tiers: unit needs nothing from the system", () => {
    const { host, commands } = fakeHost({ isRoot: false, rustup: false });
    expect(preflight(["lint+format", "typecheck", "unit", "db:pglite"], env, host)).toBeUndefined();
    expect(commands).toEqual([]);
  });

  it("as root, installs the missing Debian packages after apt-get update", () => {
    const { host, commands } = fakeHost({ isRoot: true, packages: ["brotli", "postgresql"] });
    expect(preflight(["contract", "e2e"], env, host)).toBeUndefined();
    expect(commands).toEqual([
      "apt-get update -qq",
      "apt-get install -qq -y --no-install-recommends rustc-web cargo-web rust-web-src lld-19 binaryen chromium",
    ]);
  });

  it("stops the cluster that a freshly installed postgresql package starts", () => {
    const { host, commands } = fakeHost({ isRoot: true });
    expect(preflight(["chain"], env, host)).toBeUndefined();
    expect(commands.at(-1)).toBe("service postgresql stop");
  });

  it("adds missing rustup components instead of Debian's", () => {
    const { host, commands } = fakeHost({
      isRoot: false,
      packages: ALL_PACKAGES,
      components: ["rustfmt"],
    });
    expect(preflight(["contract"], env, host)).toBeUndefined();
    expect(commands).toEqual(["rustup component add clippy"]);
  });

  it("without root, stops at once with the exact command and installs nothing", () => {
    const { host, commands } = fakeHost({ isRoot: false, packages: ["brotli"] });
    const message = preflight(["contract", "db:postgres", "e2e"], env, host);
    expect(message).toContain(
      "sudo apt-get update && sudo apt-get install -y --no-install-recommends rustc-web cargo-web rust-web-src lld-19 binaryen postgresql chromium",
    );
    expect(commands).toEqual([]);
  });

  it("names what is still missing when the install did not provide it", () => {
    const { host } = fakeHost({ isRoot: true, aptWorks: false });
    expect(preflight(["e2e"], env, host)).toMatch(/Chromium.*\n.*did not provide them.*chromium/s);
  });

  it("needs no Postgres when DATABASE_URL names a server", () => {
    expect(tierNeeds("db:postgres", { DATABASE_URL: "postgres://x" })).toEqual([]);
    expect(tierNeeds("chain", { DATABASE_URL: "postgres://x" })).toEqual([]);
    expect(tierNeeds("chain", {}).map((n) => n.apt)).toEqual([["postgresql"]]);
  });

  it("checks CHROMIUM_PATH instead of Debian's Chromium, with no package to offer", () => {
    const { host } = fakeHost({ isRoot: true, packages: ["chromium"] });
    const message = preflight(["e2e"], { CHROMIUM_PATH: "/opt/chrome" }, host);
    expect(message).toContain("CHROMIUM_PATH (/opt/chrome)");
  });

  it("checks the files the WASM recipe calls by path", () => {
    const wasm = tierNeeds("contract", {}).find((n) => n.what.startsWith("the WASM toolchain"));
    expect(wasm?.apt).toEqual(["rustc-web", "cargo-web", "rust-web-src", "lld-19"]);
    expect(DEBIAN_WASM_TOOLCHAIN).toContain("/usr/lib/llvm-19/bin/wasm-ld");
  });
});
