#!/usr/bin/env bash
# Read-path load run (docs/benchmarks.md): starts the whole system from Release builds with its data
# in a fresh temporary folder, prepares a project, a succeeded scan, a person's token and 1,000
# project keys through the API, then measures with wrk, in interleaved rounds: a bare Kestrel
# endpoint, raw YARP in front of it, and the CI read paths through the gateway; then revocation
# across two gateways and scan triggers. Prints the tables and stops the system.
# usage: benchmarks/read-load.sh [seconds per round, default 15] [connections, default 32] [rounds, default 3]
# TRACE_SAMPLE_RATIO (default 1: every trace exported to the dashboard) sets Telemetry:TraceSampleRatio.
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
# Thousands of triggers a second come from many pipelines in production; here they come from the
# load's 1,000 keys on one project, so the trigger limits (per key, per issuer, per project) are
# raised. Every trigger is still counted against all three.
export RateLimits__TriggersPerMinute=1000000 RateLimits__TriggersPerUserPerMinute=1000000 RateLimits__TriggersPerProjectPerMinute=1000000
source benchmarks/start-system.sh benchmarks/ReadLoad "--Telemetry:TraceSampleRatio=${TRACE_SAMPLE_RATIO:-1}"

dotnet run --project benchmarks/ReadLoad -c Release --no-build -- "$gateway" "$repository" "${1:-15}" "${2:-32}" "${3:-3}"
