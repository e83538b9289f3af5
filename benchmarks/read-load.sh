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

./scripts/install-prerequisites.sh >/dev/null
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
dotnet build AppHost -c Release -v quiet -nologo
dotnet build benchmarks/ReadLoad -c Release -v quiet -nologo

work=$(mktemp -d /tmp/trustedoss-load-XXXXXX)
chmod 755 "$work"
port=18080
repository="$work/repository"
git init -q --initial-branch=main "$repository"
git -C "$repository" -c user.name=load -c user.email=load@example.com commit -q --allow-empty -m first

dotnet run --project AppHost -c Release --no-build --launch-profile http -- \
  "--LocalServers:DataPath=$work/data" "--Gateway:Port=$port" "--Telemetry:TraceSampleRatio=${TRACE_SAMPLE_RATIO:-1}" \
  >"$work/apphost.log" 2>&1 &
apphost=$!
trap 'kill $apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 180); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { tail -50 "$work/apphost.log"; exit 1; }

dotnet run --project benchmarks/ReadLoad -c Release --no-build -- "http://127.0.0.1:$port" "file://$repository" "${1:-15}" "${2:-32}" "${3:-3}"
