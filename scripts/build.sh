#!/usr/bin/env bash
# Builds every gadget in release mode into dist/<gadget>/ (Trunk, offline, wasm-opt -Oz).
# Expects the tools from scripts/setup.sh on PATH.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
for index in gadgets/*/index.html; do
  name="$(basename "$(dirname "$index")")"
  echo "[build] $name" >&2
  trunk --log error build --release true --public-url ./ --dist "dist/$name" "$index"
done
# Size budget: the whole set of gadgets (wasm + JS + CSS, gzip -9) stays under 120 KB.
total=0
for f in dist/*/*.wasm dist/*/*.js dist/*/*.css; do
  [ -f "$f" ] || continue
  total=$((total + $(gzip -9c "$f" | wc -c)))
done
echo "[build] gadgets: $total bytes gzip (budget 122880)" >&2
if [ "$total" -gt 122880 ]; then
  echo "[build] over the size budget" >&2
  exit 1
fi
