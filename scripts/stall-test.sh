#!/usr/bin/env bash
# Pauses Redis, PostgreSQL and RabbitMQ (SIGSTOP, then SIGCONT) for 15 s each while keyed, token
# and trigger calls run, N times in a row (default 20), and prints what the calls got during each
# pause and how soon after it full service was back. The test suite runs each pause once.
# usage: scripts/stall-test.sh [repetitions]
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-prerequisites.sh
dotnet build tests/SystemTests -v quiet -nologo
TRUSTEDOSS_STALL_REPETITIONS="${1:-20}" dotnet test tests/SystemTests --no-build \
  --filter "FullyQualifiedName~ServerStallTests" --logger "console;verbosity=detailed" \
  | grep -E '^\s*(redis|postgres|rabbitmq) paused|^\s+(warm key|cold key|token|trigger):|^\s+(Passed|Failed) TrustedOss|^(Passed|Failed)!|Only 200s|Full service'
