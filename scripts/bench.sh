#!/usr/bin/env bash
# Decoding benchmarks of finesse-model: `decode` (lenient) and `decode_strict` against quick-xml's
# raw event reading of the same text, on a 2,000-user Team and on a Dialogs notification. Each run
# ends with a table of times per run and ratios (ours / baseline).
#
#   scripts/bench.sh [criterion options]   native, criterion (crates/finesse-model/benches/decode.rs)
#   scripts/bench.sh --wasm [cargo options] wasm32 in headless Chromium
#                                          (crates/finesse-model/benches/decode_wasm.rs), built
#                                          with the release profile the gadgets ship with; pass
#                                          `--profile bench` to use the native bench settings
#
# The wasm run needs what scripts/setup.sh installs: the wasm32-unknown-unknown target,
# wasm-bindgen-test-runner in $FINESSE_TOOLS/bin and chromedriver ($CHROMEDRIVER, default
# /usr/bin/chromedriver).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

if [[ ${1:-} != --wasm ]]; then
  exec cargo bench -p finesse-model --bench decode -- "$@"
fi
shift

TOOLS="${FINESSE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/finesse-gadgets/tools}"
export PATH="$TOOLS/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
# The whole benchmark runs as one browser test; the runner's default limit is 20 s.
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-600}"

profile=(--release)
for arg in "$@"; do
  [[ $arg == --profile* ]] && profile=()
done
exec cargo test "${profile[@]}" -p finesse-model --target wasm32-unknown-unknown \
  --bench decode_wasm "$@" -- --nocapture
