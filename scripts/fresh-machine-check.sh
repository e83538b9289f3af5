#!/usr/bin/env bash
# Proves the README's two commands on a fresh Debian 12 machine that has only the .NET SDK: a
# pristine chroot (../shared/tools/fresh-machine, or $FRESH_MACHINE) with a clone of the committed
# files and empty apt lists and NuGet cache. Needs root on the host. Two ways a newcomer works:
#   root  cloned to /root/project (an owner-only folder) and run as root
#   user  cloned into a sudo user's owner-only home and run as that user (sudo only installs)
# usage: scripts/fresh-machine-check.sh [root|user|all]   (default: all)
set -euo pipefail
cd "$(dirname "$0")/.."

harness=${FRESH_MACHINE:-../shared/tools/fresh-machine}
[[ -x "$harness/fresh.sh" ]] || { echo "No fresh-machine harness at $harness (set FRESH_MACHINE)." >&2; exit 2; }
[[ -d /var/tmp/fresh/base/etc ]] || "$harness/mkbase.sh"

as_root() {
  "$harness/fresh.sh" . -- './scripts/check-readme-commands.sh'
}

# A sudo user's home is 0700 on Debian 12; the clone inside it is theirs. (su - starts a clean
# environment, so the harness's telemetry opt-out is set again.)
as_user() {
  "$harness/fresh.sh" . -- '
    set -e
    useradd --create-home --shell /bin/bash newcomer
    chmod 0700 /home/newcomer
    echo "newcomer ALL=(ALL) NOPASSWD:ALL" > /etc/sudoers.d/newcomer
    git clone -q /root/project /home/newcomer/project
    chown -R newcomer:newcomer /home/newcomer/project
    su - newcomer -c "export DOTNET_CLI_TELEMETRY_OPTOUT=1 && cd ~/project && ./scripts/check-readme-commands.sh"'
}

case "${1:-all}" in
  root) as_root ;;
  user) as_user ;;
  all) as_root && as_user ;;
  *) echo "usage: $0 [root|user|all]" >&2; exit 2 ;;
esac
