#!/usr/bin/env bash
# Webhook load run (docs/benchmarks.md): starts the whole system from Release builds with its data
# in a fresh temporary folder, sends signed GitHub deliveries to it in three phases (a baseline
# that is refused at its headers, verified pings, verified pushes that enqueue scans), prints the
# table, and stops the system.
# usage: benchmarks/webhook-load.sh [seconds per phase, default 20] [concurrent senders, default 32] [rounds, default 3]
# TRACE_SAMPLE_RATIO (default 1: every trace exported to the dashboard) sets Telemetry:TraceSampleRatio.
set -euo pipefail
cd "$(dirname "$0")/.."

# The load's 32 senders each send thousands of deliveries a minute from one address, past the
# default per-address limit (3,000 a minute); the limit is raised, and every delivery still counted.
export RateLimits__WebhooksPerMinute=1000000
source benchmarks/start-system.sh benchmarks/WebhookLoad "--Telemetry:TraceSampleRatio=${TRACE_SAMPLE_RATIO:-1}"

dotnet run --project benchmarks/WebhookLoad -c Release --no-build -- "$gateway" "$repository" "${1:-20}" "${2:-32}" "${3:-3}"
