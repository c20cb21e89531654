#!/usr/bin/env bash
# The demo: builds the gadgets and serves them. Until the simulator lands (issue 3), the call
# control gadget shows a sample agent served from tests/demo/ on the same origin.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh
bash scripts/build.sh
exec node tests/demo/serve.mjs "${PORT:-8080}"
