#!/usr/bin/env bash
# Mutation testing (Stryker.NET) of the units that decide access and correctness: key format and
# verification, forwarded identities, rate-limit arithmetic, project access, git URLs and refs,
# webhook headers and bodies. Each test project's stryker-config.json names what it mutates.
# Prints the mutation score per project; reports land in tests/<project>/StrykerOutput/.
# usage: scripts/mutation-test.sh [test-project ...]   (default: all four)
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet tool restore >/dev/null

projects=("$@")
((${#projects[@]})) || projects=(ServiceDefaults.Tests Keys.Tests Scans.Tests WebhookIngest.Tests)

summary=()
for project in "${projects[@]}"; do
  (cd "tests/$project" && rm -rf StrykerOutput && dotnet stryker --config-file stryker-config.json >stryker.log 2>&1) \
    || { echo "Stryker failed for $project; see tests/$project/stryker.log" >&2; exit 1; }
  score=$(grep -oE 'The final mutation score is [0-9.]+ ?%' "tests/$project/stryker.log" | grep -oE '[0-9.]+' | tail -1)
  summary+=("$project: ${score:-?} %")
done

printf '%s\n' "Mutation score (killed + timeout of all tested mutants):" "${summary[@]}"
