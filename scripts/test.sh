#!/usr/bin/env bash
# The whole test suite, from a fresh machine with only the Rust toolchain: installs what it
# needs (scripts/setup.sh), then formatting, clippy (host and wasm32), native tests, wasm tests
# in headless Chromium, the release build of the gadgets and the end-to-end tests.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh

# Crates that compile for the browser (everything but native servers and tools).
WASM_CRATES=(-p finesse-model -p finesse-xmpp -p finesse-xmpp-web -p finesse-hub -p finesse-rest
  -p finesse-session -p finesse-ui -p finesse-desktop -p call-control -p connection -p queue-statistics -p team-performance -p finesse-gadgets)
# Crates with browser tests (wasm-bindgen-test in headless Chromium).
BROWSER_TESTED=(finesse-model finesse-hub finesse-ui)

step() { printf '\n\033[1m==> %s\033[0m\n' "$1" >&2; }
start=$SECONDS

step "format"
cargo fmt --all --check

step "clippy (host)"
cargo clippy --workspace --all-targets --quiet -- -D warnings

step "clippy (wasm32)"
cargo clippy --target wasm32-unknown-unknown "${WASM_CRATES[@]}" --all-targets --quiet -- -D warnings

step "native tests (with Prosody interop)"
cargo test --workspace
cargo build --quiet -p finesse-sim --bin finesse-sim

step "browser tests (headless Chromium)"
for crate in "${BROWSER_TESTED[@]}"; do
  cargo test -p "$crate" --target wasm32-unknown-unknown
done
# The browser notification driver against a running simulator (BOSH and WebSocket).
sim_out="$(mktemp)"
target/debug/finesse-sim --port 0 >"$sim_out" 2>/dev/null &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 300); do [ -s "$sim_out" ] && break; sleep 0.1; done # bounded readiness poll
sim_url="$(head -n1 "$sim_out")"
[ -n "$sim_url" ] || { echo "the simulator did not start" >&2; exit 1; }
FINESSE_XMPP_TEST_URL="$sim_url" bash scripts/wasm-xmpp-test.sh
kill "$sim_pid" 2>/dev/null || true

step "release build of the gadgets"
bash scripts/build.sh

step "end-to-end tests (Playwright + Debian Chromium)"
node --test --test-reporter=spec tests/runtime/ tests/e2e/

step "done in $((SECONDS - start)) s"
