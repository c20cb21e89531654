#!/usr/bin/env bash
# Where the gadgets' wasm bytes go: builds the shared module (release), runs wasm-bindgen and
# wasm-opt -Oz as Trunk does but keeping the function names (-g), then prints the code per crate
# and the largest functions (scripts/wasm-sizes.py), and the stripped module's gzip size.
# Usage: bash scripts/size-report.sh [TOP]   (expects the tools of scripts/setup.sh on PATH)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
out="$ROOT/target/size-report"
rm -rf "$out"
mkdir -p "$out"
cargo build --quiet --release --target wasm32-unknown-unknown -p finesse-gadgets
wasm-bindgen target/wasm32-unknown-unknown/release/finesse-gadgets.wasm --out-dir "$out" --target web
features=(--enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext
  --enable-mutable-globals --enable-reference-types)
wasm-opt -Oz -g "${features[@]}" "$out/finesse-gadgets_bg.wasm" -o "$out/named.wasm"
wasm-opt -Oz --strip-debug --strip-producers "${features[@]}" "$out/finesse-gadgets_bg.wasm" -o "$out/stripped.wasm"
python3 scripts/wasm-sizes.py "$out/named.wasm" "${1:-30}"
echo "stripped module: $(stat -c %s "$out/stripped.wasm") bytes, $(gzip -9c "$out/stripped.wasm" | wc -c) gzip"
