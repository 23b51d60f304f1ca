#!/usr/bin/env bash
# Installs the Debian packages Meshlens runs beside Node (a real Prometheus for
# the demo cluster and the integration tests, Chromium for the browser tests,
# Redis and PostgreSQL for the cache-store and scale-out tests, VictoriaMetrics
# as a second PromQL engine) when they are missing.
# Usage: ensure-system-packages.sh prometheus [chromium] [redis-server] [postgresql] [victoria-metrics]
set -euo pipefail

is_present() {
  case "$1" in
    prometheus) command -v prometheus >/dev/null && command -v promtool >/dev/null ;;
    chromium) command -v chromium >/dev/null ;;
    postgresql) compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null && id postgres >/dev/null 2>&1 ;;
    *) command -v "$1" >/dev/null ;;
  esac
}

missing=()
for pkg in "$@"; do
  is_present "$pkg" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0

as_root=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    as_root=(sudo -n)
  else
    as_root=(unavailable)
  fi
fi

if ! command -v apt-get >/dev/null || [ "${as_root[0]:-}" = unavailable ]; then
  printf '[meshlens] missing: %s\n' "${missing[*]}" >&2
  printf '[meshlens] install them with your package manager (Debian/Ubuntu: sudo apt-get install -y %s), then run this command again.\n' "${missing[*]}" >&2
  exit 1
fi

printf '[meshlens] installing Debian packages: %s\n' "${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq >/dev/null
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
for pkg in "${missing[@]}"; do
  is_present "$pkg" || { printf '[meshlens] %s is still missing after apt-get install\n' "$pkg" >&2; exit 1; }
done
