#!/usr/bin/env bash
# Load benchmark of the simulator (issue 3): N signed-in agents with live notification sessions
# (WebSocket, a share over BOSH) and R calls/s for S seconds against an in-process simulator in
# real time, with a steady REST stream. Ends with a summary table: errors (the goal is 0, and
# the exit status is 1 otherwise), REST latency under load against an idle baseline measured
# first in the same run, server memory per agent, notifications delivered, CPU.
#
#   scripts/load.sh [--agents N] [--calls-per-second R] [--seconds S] [other options]
#                   defaults 2000 / 20 / 300; `scripts/load.sh --help` lists every option
#
# The benchmark is crates/finesse-sim/benches/load.rs (`cargo bench -p finesse-sim --bench load`).
# It runs the server in this process and the load generator in a child process, so the server's
# RSS and CPU are measured alone; run it on an otherwise idle machine (the table shows how busy
# the machine was).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
exec cargo bench -p finesse-sim --bench load -- "$@"
