#!/usr/bin/env bash
# The demo: builds the gadgets and runs the simulator (the built-in demo scenario: agents and
# calls live) serving them on one origin. Open the URL it prints; sign in as 1001001 with
# password pass1001001 (a human agent; the others are simulated). PORT=… picks the port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh
bash scripts/build.sh
cargo build --release --quiet -p finesse-sim --bin finesse-sim
port="${PORT:-8080}"
echo "Call control gadget: http://127.0.0.1:$port/call-control/?user=1001001  (password pass1001001)"
exec target/release/finesse-sim --port "$port" --static "/=$ROOT/dist"
