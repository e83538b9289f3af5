#!/usr/bin/env bash
# Installs what the system and its tests need on Debian 12: the servers the AppHost runs
# (PostgreSQL, Redis, RabbitMQ), git for scans, jq and curl for the README walkthrough, and with
# --for-tests Chromium for the browser tests. Idempotent and quick when done. Run as root, or as a
# user who may sudo (only the install uses it).
# usage: scripts/install-prerequisites.sh [--for-tests]
set -euo pipefail

packages=(postgresql redis-server rabbitmq-server git jq curl util-linux)
if [[ "${1:-}" == "--for-tests" ]]; then
  packages+=(chromium)
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "ok installed" || missing+=("$package")
done

as_root() {
  if ((EUID == 0)); then "$@"; else sudo "$@"; fi
}

if ((${#missing[@]})); then
  echo "Installing: ${missing[*]}"
  # Waits for another apt (say unattended-upgrades on a new machine) rather than failing at once,
  # and finishes an install a stopped run left half done (dpkg itself does not wait for the lock).
  apt=(env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
  for attempt in $(seq 60); do
    as_root env DEBIAN_FRONTEND=noninteractive dpkg --configure -a && break
    ((attempt < 60)) || { echo "dpkg stayed busy for 5 minutes." >&2; exit 1; }
    sleep 5
  done
  as_root "${apt[@]}" update -qq
  as_root "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" >/dev/null

  # The packages just installed started their own services, which are not used (the AppHost runs
  # private instances on loopback). A server that was installed before is left as it is.
  for service in postgresql redis-server rabbitmq-server; do
    if [[ " ${missing[*]} " == *" $service "* ]] && command -v systemctl >/dev/null \
      && systemctl is-active --quiet "$service" 2>/dev/null; then
      as_root systemctl stop "$service"
    fi
  done
fi

command -v dotnet >/dev/null || { echo "The .NET SDK 10 is required (dotnet on PATH)." >&2; exit 1; }
