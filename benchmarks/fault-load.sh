#!/usr/bin/env bash
# Fault run under load (docs/benchmarks.md): starts the whole system from Release builds (one
# replica of each service) with its data in a fresh temporary folder, prepares a project, a
# succeeded scan and 500 project keys, then polls that scan as fast as 32 connections go and
# triggers scans about 20 times a second while PostgreSQL, Redis and RabbitMQ are each stopped,
# kept down, and started again, one at a time. Prints what the clients got around each restart and
# checks that every trigger answered 200 became exactly one scan that ran to its end.
# usage: benchmarks/fault-load.sh [seconds each server is down, default 8] [seconds watched after its return, default 20] [servers, default postgres,redis,rabbitmq]
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-prerequisites.sh >/dev/null
dotnet build benchmarks/FaultLoad -c Release -v quiet -nologo
dotnet run --project benchmarks/FaultLoad -c Release --no-build -- "$@"
