#!/usr/bin/env bash
# Installs everything the demo and the tests need, idempotently. Sourced by scripts/test.sh
# and scripts/demo.sh; safe to run again and again (each step checks before it installs).
#
#   apt:    chromium chromium-driver prosody lua-unbound (and nodejs/npm when node is missing)
#   rustup: the wasm32-unknown-unknown target
#   cargo:  trunk 0.21.14 and wasm-bindgen-cli at the version in Cargo.lock, into a cache
#           directory reused by later runs ($FINESSE_TOOLS, default ~/.cache/finesse-gadgets/tools)
#   npm:    playwright-core, binaryen (wasm-opt) and axe-core (accessibility checks in the e2e
#           tests) from the committed package-lock.json
#
# Nothing downloads a prebuilt binary from outside the package registries: Chromium comes
# from Debian, wasm-opt from npm, Trunk runs offline (Trunk.toml).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${FINESSE_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/finesse-gadgets/tools}"
TRUNK_VERSION=0.21.14
export PATH="$TOOLS/bin:$ROOT/node_modules/.bin:$HOME/.cargo/bin:$PATH"

log() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

setup_apt() {
  local wanted=(chromium chromium-driver prosody lua-unbound)
  command -v node >/dev/null && command -v npm >/dev/null || wanted+=(nodejs npm)
  local missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  # Prosody is only ever started by the tests with their own configuration.
  if command -v systemctl >/dev/null && systemctl is-active --quiet prosody 2>/dev/null; then
    as_root systemctl stop prosody || true
  fi
}

setup_rust() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    log "rustup target add wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
  mkdir -p "$TOOLS"
  if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
    log "cargo install trunk $TRUNK_VERSION (a few minutes, once per machine)"
    cargo install trunk --version "$TRUNK_VERSION" --locked --root "$TOOLS" --quiet
  fi
  # wasm-bindgen's CLI must be exactly the library version the lock file holds.
  local wbg
  wbg="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")"
  if [ -z "$wbg" ]; then
    log "cannot find wasm-bindgen in Cargo.lock"; return 1
  fi
  if [ "$(wasm-bindgen --version 2>/dev/null)" != "wasm-bindgen $wbg" ]; then
    log "cargo install wasm-bindgen-cli $wbg (a few minutes, once per machine)"
    # The registry mirror may lag behind a locked dependency: fall back to an unlocked build.
    cargo install wasm-bindgen-cli --version "$wbg" --locked --root "$TOOLS" --quiet ||
      cargo install wasm-bindgen-cli --version "$wbg" --root "$TOOLS" --quiet
  fi
}

setup_npm() {
  local stamp="$ROOT/node_modules/.finesse-lock.sha256"
  local want
  want="$(sha256sum "$ROOT/package-lock.json" | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    log "npm ci"
    (cd "$ROOT" && npm ci --no-audit --no-fund --loglevel=error)
    echo "$want" >"$stamp"
  fi
}

setup_apt
setup_rust
setup_npm
# Trunk runs cargo offline: make sure every crate is in the local registry first.
(cd "$ROOT" && cargo fetch --quiet)
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
log "ready: $(trunk --version), $(wasm-bindgen --version), wasm-opt $(wasm-opt --version | awk '{print $3}'), $(chromium --version 2>/dev/null | grep -o 'Chromium [0-9.]*')"
