#!/usr/bin/env bash
# Contract checks, in the order a reviewer would run them: format, lints, unit
# and property tests (cargo prints "test result: ... N passed" per binary), the
# lints of the export-abi build, then the drift check of the committed ABI and
# WASM artifact.
#
# Cost, not coverage, shapes the order:
# - The cold release WASM build (Debian toolchain, its own target folder) starts
#   first, in the background, and runs beside the native steps; contract:check
#   then finds it up to date and compares its output with the committed artifact
#   byte for byte.
# - Clippy lints while building rather than in a separate `cargo check` pass:
#   clippy-driver as the workspace wrapper, the way `cargo clippy` runs it, over
#   the same targets and features. The dependencies are then built once, for the
#   lint build and `cargo test` alike (and likewise for the export-abi lint build
#   and the ABI export); only this crate compiles twice.
# - Under CI, the invariant test runs sequences for a fixed time
#   (INVARIANT_SECONDS=60) from a seed it prints, instead of a fixed number of
#   them; INVARIANT_SEED replays one. Set INVARIANT_SECONDS, INVARIANT_SEQUENCES
#   or INVARIANT_SEED to choose.
set -uo pipefail
cd "$(dirname "$0")/../.."
manifest=stylus-contract/Cargo.toml
status=0
step() {
  local name=$1
  shift
  echo "== contract: $name"
  if ! "$@"; then
    echo "== contract: $name FAILED"
    status=1
  fi
}

wasm_log=$(mktemp)
npx tsx scripts/lib/contract-wasm-prebuild.ts >"$wasm_log" 2>&1 &
wasm_pid=$!
cleanup() {
  kill "$wasm_pid" 2>/dev/null
  rm -f "$wasm_log"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT

clippy_driver=$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver)
# `cargo clippy -- -D warnings` passes its arguments to clippy-driver this way.
lint() {
  if [ -z "$clippy_driver" ]; then
    echo "clippy-driver not found (rustup component add clippy)"
    return 1
  fi
  RUSTC_WORKSPACE_WRAPPER="$clippy_driver" CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__" "$@"
}

if [ -n "${CI:-}" ] && [ -z "${INVARIANT_SECONDS:-}${INVARIANT_SEQUENCES:-}${INVARIANT_SEED:-}" ]; then
  export INVARIANT_SECONDS=60
fi

step "cargo fmt --check" cargo fmt --manifest-path "$manifest" --check
step "cargo clippy" lint cargo test --manifest-path "$manifest" --locked --all-targets --no-run -j 2
step "cargo test" cargo test --manifest-path "$manifest" --locked -j 2 -- --nocapture
step "cargo clippy (export-abi)" lint cargo build --manifest-path "$manifest" --locked --features export-abi --bin compute-market -j 2
wasm_built() {
  wait "$wasm_pid"
  local code=$?
  cat "$wasm_log"
  return $code
}
step "wasm build (beside the steps above)" wasm_built
step "contract:check" npx tsx scripts/contract/check.ts
exit $status
