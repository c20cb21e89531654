#!/usr/bin/env bash
# The browser driver's wasm test (crates/finesse-xmpp-web/tests/browser.rs) in headless
# Chromium, against a running notification server whose URL is compiled into the test.
#
#   scripts/wasm-xmpp-test.sh                 start Prosody (generated config, free port, CORS,
#                                             a module answering the test's one REST request),
#                                             run, stop it
#   FINESSE_XMPP_TEST_URL=http://… scripts/wasm-xmpp-test.sh
#                                             use a server that is already running (CI: the
#                                             simulator, whose defaults the test uses: BOSH at
#                                             /http-bind, WebSocket at /ws, REST, agent 1001001;
#                                             other users: the variables of tests/browser.rs)
#
# Needs: prosody (for the first form), chromium + chromedriver, the wasm32 target and
# wasm-bindgen-test-runner (scripts/setup.sh installs them all).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${FINESSE_TOOLS:-$HOME/.cache/finesse-gadgets/tools}"
export PATH="$TOOLS/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

log() { printf '[wasm-xmpp-test] %s\n' "$*" >&2; }

# A port nobody listens on (a start failure of Prosody is reported below in any case).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}

start_prosody() {
  command -v prosody >/dev/null && command -v prosodyctl >/dev/null || {
    log "prosody is not installed: run scripts/setup.sh (apt-get install prosody lua-unbound)"
    exit 1
  }
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/finesse-wasm-prosody.XXXXXX")"
  mkdir -p "$WORK/data" "$WORK/certs" "$WORK/plugins"
  cp "$ROOT/crates/finesse-xmpp-web/tests/support/mod_finesse_test_rest.lua" "$WORK/plugins/"
  local http_port c2s_port
  http_port="$(free_port)"
  c2s_port="$(free_port)"
  cat >"$WORK/prosody.cfg.lua" <<EOF
run_as_root = true
data_path = "$WORK/data"
pidfile = "$WORK/prosody.pid"
certificates = "$WORK/certs"
plugin_paths = { "$WORK/plugins" }
log = { { levels = { min = "info" }, to = "console" } }
interfaces = { "127.0.0.1" }
c2s_ports = { $c2s_port }
http_ports = { $http_port }
http_interfaces = { "127.0.0.1" }
https_ports = { }
http_default_host = "localhost"
-- The simulator's layout: BOSH at /http-bind, WebSocket at /ws.
http_paths = { bosh = "/http-bind"; websocket = "/ws" }
modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "posix"; "bosh"; "websocket" }
modules_disabled = { "s2s"; "tls"; "c2s_tls" }
authentication = "internal_plain"
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
consider_bosh_secure = true
consider_websocket_secure = true
-- Nagle off: with it (the default) a small stanza after another waits for a delayed ACK (~40 ms).
network_settings = { nagle = false }
-- CORS (0.12: on by default for BOSH, echoing the Origin; cross_domain_bosh is deprecated).
http_default_cors_enabled = true
VirtualHost "localhost"
  modules_enabled = { "finesse_test_rest" }
Component "pubsub.localhost" "pubsub"
  autocreate_on_publish = true
EOF
  prosodyctl --config "$WORK/prosody.cfg.lua" register agent1 localhost agent1pw </dev/null >/dev/null
  prosody --config "$WORK/prosody.cfg.lua" -F >"$WORK/prosody.log" 2>&1 &
  PROSODY_PID=$!
  local url="http://127.0.0.1:$http_port"
  local deadline=$((SECONDS + 20))
  until curl -sf -o /dev/null "$url/http-bind"; do
    if ! kill -0 "$PROSODY_PID" 2>/dev/null; then
      log "prosody exited while starting:"; cat "$WORK/prosody.log" >&2; exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      log "prosody did not answer on $url/http-bind within 20 s:"; cat "$WORK/prosody.log" >&2; exit 1
    fi
    sleep 0.05 # poll interval; readiness is the answer above
  done
  export FINESSE_XMPP_TEST_URL="$url"
  export FINESSE_XMPP_TEST_USER=agent1 FINESSE_XMPP_TEST_PASSWORD=agent1pw
  export FINESSE_XMPP_TEST_EXTENSION=1001 FINESSE_XMPP_TEST_DOMAIN=localhost
  log "prosody $(prosodyctl about 2>/dev/null | awk '/^Prosody/ {print $2}') at $url (log: $WORK/prosody.log)"
}

stop_prosody() {
  local status=$?
  if [ -n "${PROSODY_PID:-}" ]; then
    kill "$PROSODY_PID" 2>/dev/null || true
    wait "$PROSODY_PID" 2>/dev/null || true
  fi
  if [ -n "${WORK:-}" ]; then
    if [ "$status" -ne 0 ]; then log "prosody log:"; tail -n 50 "$WORK/prosody.log" >&2 || true; fi
    rm -rf "$WORK"
  fi
}

if [ -z "${FINESSE_XMPP_TEST_URL:-}" ]; then
  trap stop_prosody EXIT
  start_prosody
else
  log "using the running server at $FINESSE_XMPP_TEST_URL"
fi

cd "$ROOT"
cargo test -p finesse-xmpp-web --target wasm32-unknown-unknown "$@"
