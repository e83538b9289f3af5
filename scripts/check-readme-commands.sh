#!/usr/bin/env bash
# Runs the README's two commands as the current user, the way a newcomer would: the test command,
# then the run command until the gateway answers /health; prints how long each took. Used by
# fresh-machine-check.sh inside a pristine Debian 12 chroot; works on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds_since() { echo $(($(date +%s) - $1)); }

started=$(date +%s)
./scripts/test.sh
echo "README test command: passed in $(seconds_since "$started") s"

# The chroot shares the host's network: something else answering there would pass the check.
if curl -sS -m 5 -o /dev/null "http://localhost:${Gateway__Port:-8080}/" 2>/dev/null; then
  echo "Port ${Gateway__Port:-8080} already answers; stop what listens there or set Gateway__Port." >&2
  exit 1
fi

started=$(date +%s)
log=$(mktemp)
setsid ./scripts/run.sh >"$log" 2>&1 &
runner=$!
stop() { kill -TERM -- "-$runner" 2>/dev/null || true; wait "$runner" 2>/dev/null || true; }
trap stop EXIT

gateway="http://localhost:${Gateway__Port:-8080}/health"
until curl -fsS -m 5 -o /dev/null "$gateway" 2>/dev/null; do
  if ! kill -0 "$runner" 2>/dev/null || (($(seconds_since "$started") > 900)); then
    echo "README run command: the gateway never answered $gateway" >&2
    tail -50 "$log" >&2
    exit 1
  fi
  sleep 2
done
echo "README run command: gateway healthy at $gateway after $(seconds_since "$started") s"
grep -m1 '^Data:' "$log" || true
