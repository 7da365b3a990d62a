#!/usr/bin/env bash
# Contract checks, in the order a reviewer would run them: format, lints, unit
# and property tests (cargo prints "test result: ... N passed" per binary), then
# the drift check of the committed ABI and WASM artifact.
set -uo pipefail
cd "$(dirname "$0")/../.."
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
step "cargo fmt --check" cargo fmt --manifest-path stylus-contract/Cargo.toml --check
step "cargo clippy" cargo clippy --manifest-path stylus-contract/Cargo.toml --locked --all-targets -j 2 -- -D warnings
step "cargo clippy (export-abi)" cargo clippy --manifest-path stylus-contract/Cargo.toml --locked --features export-abi --bin compute-market -j 2 -- -D warnings
step "cargo test" cargo test --manifest-path stylus-contract/Cargo.toml --locked -j 2 -- --nocapture
step "contract:check" npx tsx scripts/contract/check.ts
exit $status
