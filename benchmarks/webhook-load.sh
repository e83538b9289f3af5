#!/usr/bin/env bash
# Webhook load run (docs/benchmarks.md): starts the whole system from Release builds with its data
# in a fresh temporary folder, sends signed GitHub deliveries to it in three phases (a baseline
# that is refused at its headers, verified pings, verified pushes that enqueue scans), prints the
# table, and stops the system.
# usage: benchmarks/webhook-load.sh [seconds per phase, default 20] [concurrent senders, default 32]
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-prerequisites.sh >/dev/null
dotnet build AppHost -c Release -v quiet -nologo
dotnet build benchmarks/WebhookLoad -c Release -v quiet -nologo

work=$(mktemp -d /tmp/trustedoss-load-XXXXXX)
chmod 755 "$work"
port=18080
repository="$work/repository"
git init -q --initial-branch=main "$repository"
git -C "$repository" -c user.name=load -c user.email=load@example.com commit -q --allow-empty -m first

dotnet run --project AppHost -c Release --no-build --launch-profile http -- \
  "--LocalServers:DataPath=$work/data" "--Gateway:Port=$port" >"$work/apphost.log" 2>&1 &
apphost=$!
trap 'kill $apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$work"' EXIT

for _ in $(seq 1 180); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 1
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { tail -50 "$work/apphost.log"; exit 1; }

dotnet run --project benchmarks/WebhookLoad -c Release --no-build -- "http://127.0.0.1:$port" "file://$repository" "${1:-20}" "${2:-32}"
