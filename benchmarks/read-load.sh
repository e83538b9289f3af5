#!/usr/bin/env bash
# Read-path load run (docs/benchmarks.md): starts the whole system from Release builds with its data
# in a fresh temporary folder, prepares a project, a succeeded scan, a person's token and 1,000
# project keys through the API, then measures with wrk, in interleaved rounds: a bare Kestrel
# endpoint, raw YARP in front of it, and the CI read paths through the gateway. Prints the table
# and stops the system.
# usage: benchmarks/read-load.sh [seconds per round, default 15] [connections, default 32] [rounds, default 3]
# TRACE_SAMPLE_RATIO (default 1: every trace exported to the dashboard) sets Telemetry:TraceSampleRatio.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
source benchmarks/start-system.sh benchmarks/ReadLoad "--Telemetry:TraceSampleRatio=${TRACE_SAMPLE_RATIO:-1}"

dotnet run --project benchmarks/ReadLoad -c Release --no-build -- "$gateway" "$repository" "${1:-15}" "${2:-32}" "${3:-3}"
