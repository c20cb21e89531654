#!/usr/bin/env bash
# Benchmarks, each ending with a table of times per run and ratios (ours / baseline) against a
# baseline measured in the same run.
#
#   decode (the default): finesse-model's `decode` (lenient) and `decode_strict` against
#     quick-xml's raw event reading of the same text, on a 2,000-user Team and on a Dialogs
#     notification (crates/finesse-model/benches/decode.rs, decode_wasm.rs).
#   items: notification items decoded per second by finesse-xmpp's client core, connected and
#     fed WebSocket frames and BOSH bodies (1 and 10 pubsub messages carrying a User or a Dialog
#     <Update>), against quick-xml's raw event reading of the same bytes and finesse-model's
#     `decode::<Update>` of the bare payloads; items/s and MB/s
#     (crates/finesse-xmpp/benches/items.rs, items_wasm.rs).
#
#   scripts/bench.sh [decode|items] [criterion options]    native, criterion
#   scripts/bench.sh [decode|items] --wasm [cargo options]  wasm32 in headless Chromium, built
#                                          with the release profile the gadgets ship with; pass
#                                          `--profile bench` to use the native bench settings
#
# The wasm run needs what scripts/setup.sh installs: the wasm32-unknown-unknown target,
# wasm-bindgen-test-runner in $FINESSE_TOOLS/bin and chromedriver ($CHROMEDRIVER, default
# /usr/bin/chromedriver).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

crate=finesse-model
bench=decode
case ${1:-} in
  decode) shift ;;
  items) crate=finesse-xmpp bench=items; shift ;;
esac

if [[ ${1:-} != --wasm ]]; then
  exec cargo bench -p "$crate" --bench "$bench" -- "$@"
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
exec cargo test "${profile[@]}" -p "$crate" --target wasm32-unknown-unknown \
  --bench "${bench}_wasm" "$@" -- --nocapture
