#!/usr/bin/env bash
# Sets up what is missing and runs every test: unit tests, then the system tests, which start the
# whole system on real servers once per test assembly.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-prerequisites.sh --for-tests
dotnet build TrustedOss.sln -v quiet -nologo
# A test that hangs is stopped, and named, after 20 minutes (a whole system test assembly takes
# about 12), rather than holding the run until CI's limit.
dotnet test TrustedOss.sln --no-build --blame-hang-timeout 20m --blame-hang-dump-type none "$@"
