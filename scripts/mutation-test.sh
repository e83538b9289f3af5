#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the units that decide access and correctness: key format and
# verification, forwarded identities, rate-limit arithmetic, project access, git URLs and refs,
# webhook headers and bodies. Each test project's stryker-*.json files name what they mutate (one
# source project each). Prints the mutation score per file; reports land in tests/<project>/StrykerOutput/.
# usage: scripts/mutation-test.sh [test-project ...]   (default: all of them)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null

projects=("$@")
((${#projects[@]})) || projects=(BuildingBlocks.Tests Gateway.Tests Keys.Tests Scans.Tests WebhookIngest.Tests)

summary=()
for project in "${projects[@]}"; do
  rm -rf "tests/$project/StrykerOutput"
  for config in "tests/$project"/stryker-*.json; do
    name=$(basename "$config" .json)
    (cd "tests/$project" && dotnet stryker --config-file "$name.json" >"$name.log" 2>&1) \
      || { echo "Stryker failed for $config; see tests/$project/$name.log" >&2; exit 1; }
    score=$(grep -oE 'The final mutation score is [0-9.]+ ?%' "tests/$project/$name.log" | grep -oE '[0-9.]+' | tail -1 || true)
    summary+=("$project ($name): ${score:-?} %")
  done
done

printf '%s\n' "Mutation score (killed + timeout of all tested mutants):" "${summary[@]}"
