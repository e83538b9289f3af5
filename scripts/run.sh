#!/usr/bin/env bash
# Sets up what is missing and runs the whole system: servers, services, gateway and dashboard.
# Data is kept in .data/ between runs. Stop with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-prerequisites.sh
dotnet build AppHost -v quiet -nologo

echo "Gateway:   http://localhost:${Gateway__Port:-8080}"
echo "Dashboard: the login URL is printed below ('Login to the dashboard at ...')"
exec dotnet run --project AppHost --no-build --launch-profile http
