#!/usr/bin/env bash
# Regenerates aspire-manifest.json from the AppHost (a test fails while the committed file is stale).
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet build AppHost -v quiet -nologo
dotnet run --project AppHost --no-build --no-launch-profile -- --publisher manifest --output-path ../aspire-manifest.json
