#!/usr/bin/env bash
# Fuzzes with cargo-fuzz/libFuzzer: the finesse-model XML codec (target `decode`, the default)
# or the XMPP stanza parser and notification service core (FUZZ_TARGET=xmpp).
#
# Usage: scripts/fuzz.sh [SECONDS] [extra libFuzzer options...]
#   SECONDS   total fuzzing time (default 60)
# Environment:
#   FUZZ_TIMEOUT    per-input timeout in seconds (default 10)
#   FUZZ_RSS_MB     memory limit in MB (default 2048)
#   FUZZ_SANITIZER  none (default: the codec is safe Rust) or address
#   FUZZ_KEEP_GOING 1: keep fuzzing after a crash, timeout or OOM (libFuzzer fork mode)
#   FUZZ_TARGET     decode (default) or xmpp
#
# Needs the nightly toolchain; installs cargo-fuzz when missing. The corpus is seeded from the
# guide fixtures (fuzz/corpus/<target>, git-ignored); crashes land in fuzz/artifacts/<target>.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
seconds=${1:-60}
[[ $# -gt 0 ]] && shift
if ! [[ $seconds =~ ^[0-9]+$ ]]; then
    echo "usage: $0 [SECONDS] [libFuzzer options...]" >&2
    exit 2
fi

if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "== installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

target=${FUZZ_TARGET:-decode}
corpus=$root/fuzz/corpus/$target
fixtures=$root/crates/finesse-model/tests/fixtures
mkdir -p "$corpus" "$root/fuzz/artifacts/$target"
seeds=0
while IFS= read -r -d '' file; do
    rel=${file#"$fixtures"/}
    cp "$file" "$corpus/seed-${rel//\//_}"
    seeds=$((seeds + 1))
done < <(find "$fixtures" -name '*.xml' -print0)
echo "== corpus: $seeds fixture seeds, $(find "$corpus" -type f | wc -l) files in total"

options=(
    -max_total_time="$seconds"
    -max_len=65536
    -timeout="${FUZZ_TIMEOUT:-10}"
    -rss_limit_mb="${FUZZ_RSS_MB:-2048}"
    -dict="$root/fuzz/decode.dict"
    -print_final_stats=1
)
if [[ ${FUZZ_KEEP_GOING:-0} == 1 ]]; then
    options+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
fi

log=$(mktemp)
stamp=$(mktemp)
trap 'rm -f "$log" "$stamp"' EXIT
status=0
cd "$root/fuzz"
cargo +nightly fuzz run "$target" --release --debug-assertions \
    --sanitizer "${FUZZ_SANITIZER:-none}" "$corpus" -- "${options[@]}" "$@" 2>&1 \
    | tee "$log" || status=$?

echo "== summary"
# Plain mode prints final stats; fork mode prints progress lines with `exec/s` and the total.
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n1)
if [[ -z $execs ]]; then
    execs=$(grep -oE '#[0-9]+' "$log" | tail -n1 | tr -d '#' || true)
    rate=$(grep -oE 'exec/s: [0-9]+' "$log" | tail -n1 | grep -oE '[0-9]+' || true)
fi
echo "executions: ${execs:-unknown}"
echo "exec/s:     ${rate:-unknown}"
artifacts=$(find "$root/fuzz/artifacts/$target" -type f -newer "$stamp" 2>/dev/null | sort || true)
if [[ -n $artifacts ]]; then
    echo "artifacts (crash-*, timeout-*, oom-*, slow-unit-*):"
    echo "$artifacts" | sed 's/^/  /'
    echo "minimize one with: cd fuzz && cargo +nightly fuzz tmin $target --release -a -s none <artifact>"
else
    echo "no crash, timeout or OOM"
fi
exit "$status"
