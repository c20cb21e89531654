#!/usr/bin/env bash
# The demo: builds the gadgets and our desktop, then runs the simulator (the built-in demo
# scenario: agents and calls live) serving them on one origin, the way a Finesse server does:
# the desktop at /desktop/, the gadgets at /3rdpartygadget/files/<name>/, rendered through
# /gadgets/ifr. Sign in as 1001001, password pass1001001, extension 1001001 (a human agent; the
# others are simulated; 1001010 / pass1001010 is a supervisor). PORT=… picks the port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
source scripts/setup.sh
bash scripts/build.sh
cargo build --release --quiet -p finesse-sim --bin finesse-sim
port="${PORT:-8080}"
url="http://127.0.0.1:$port/desktop/"
echo "Desktop: $url  (sign in as 1001001, password pass1001001, extension 1001001)"
# Open it in a browser when there is a display to show one.
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && command -v xdg-open >/dev/null; then
  (sleep 2 && xdg-open "$url" >/dev/null 2>&1 || true) &
fi
exec target/release/finesse-sim --port "$port" --static "/=$ROOT/dist" \
  --static "/3rdpartygadget/files=$ROOT/dist"
