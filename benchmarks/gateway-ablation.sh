#!/usr/bin/env bash
# Where the gateway's time goes, by parts taken away (docs/benchmarks.md): builds the gateway of
# this checkout with benchmarks/gateway-ablation.patch applied (switches, read at start, that each
# leave one part out) in a throwaway worktree, then runs the read-load harness's "gateway alone"
# rounds with one twin of that build per set of switches, beside raw YARP and the gateway as it is.
# usage: benchmarks/gateway-ablation.sh [seconds per round, default 15] [connections, default 32] [rounds, default 3]
set -euo pipefail
cd "$(dirname "$0")/.."

worktree=$(mktemp -d /tmp/gateway-ablation.XXXXXX)
trap 'git worktree remove --force "$worktree" >/dev/null 2>&1 || rm -rf "$worktree"' EXIT
git worktree add --detach --force "$worktree" HEAD >/dev/null
git -C "$worktree" apply "$PWD/benchmarks/gateway-ablation.patch"
dotnet build "$worktree/gateway/Gateway.csproj" -c Release -v quiet -nologo
ablated="executable=$worktree/gateway/bin/Release/net10.0/TrustedOss.Gateway"

# Each set is one twin: the patched build with nothing left out (the patch's own cost), then one
# part left out at a time, then everything the gateway adds to YARP, then its host set up as bare
# as raw YARP's as well.
product="ABLATE_AUTH=1 ABLATE_RATE=1 ABLATE_IDENTITY=1"
everything="$product ABLATE_PLATFORM=1 ABLATE_LOGS=1 OTEL_SDK_DISABLED=true"
export READ_LOAD_ONLY="gateway alone"
export READ_LOAD_GATEWAY_VARIANT="$ablated; $ablated ABLATE_RATE=1; $ablated ABLATE_IDENTITY=1; $ablated ABLATE_PLATFORM=1; $ablated OTEL_SDK_DISABLED=true ABLATE_LOGS=1; $ablated $product; $ablated $everything; $ablated $everything ABLATE_SLIM=1 ABLATE_DEFAULTS=1 ABLATE_SD=1"
export TRACE_SAMPLE_RATIO="${TRACE_SAMPLE_RATIO:-0.01}"
benchmarks/read-load.sh "${1:-15}" "${2:-32}" "${3:-3}"
