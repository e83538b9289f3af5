#!/usr/bin/env bash
# Sets up what is missing and runs every test: unit tests, then the system tests, which start the
# whole system on real servers once per test assembly.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-prerequisites.sh --for-tests
dotnet build TrustedOss.sln -v quiet -nologo
dotnet test TrustedOss.sln --no-build "$@"
