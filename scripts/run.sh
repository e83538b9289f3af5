#!/usr/bin/env bash
# Sets up what is missing and runs the whole system: servers, services, gateway and dashboard.
# Data is kept between runs (its `Data: …` line says where); --reset starts from nothing.
# Stop with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."

reset=false
for argument in "$@"; do
  case "$argument" in
    --reset) reset=true ;;
    *) echo "usage: $0 [--reset]" >&2; exit 2 ;;
  esac
done

./scripts/install-prerequisites.sh
dotnet build AppHost -v quiet -nologo

echo "Gateway:   http://localhost:${Gateway__Port:-8080}"
echo "Dashboard: the login URL is printed below ('Login to the dashboard at ...')"
exec dotnet run --project AppHost --no-build --launch-profile http -- "--LocalServers:Reset=$reset"
