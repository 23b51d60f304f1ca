#!/usr/bin/env bash
# Starts the Meshlens demo: the demo cluster (Kubernetes API servers, simulated
# mesh proxies, one real Prometheus per cluster), the Backstage backend and the
# frontend. Ctrl-C stops all of it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
cd "$MESHLENS_ROOT"
"$MESHLENS_ROOT/scripts/ensure-system-packages.sh" prometheus

config_args=(--config "$MESHLENS_ROOT/app-config.yaml")
if [ -n "${POSTGRES_HOST:-}" ]; then
  config_args+=(--config "$MESHLENS_ROOT/app-config.postgres.yaml")
  log "using PostgreSQL at $POSTGRES_HOST"
fi
[ -f app-config.local.yaml ] && config_args+=(--config "$MESHLENS_ROOT/app-config.local.yaml")

# Every child gets its own process group, so stopping kills whole trees.
set -m
children=()
stopping=""
stop_all() {
  [ -n "$stopping" ] && return
  stopping=1
  log "stopping"
  for pid in "${children[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for _ in $(seq 1 50); do
    local alive=""
    for pid in "${children[@]}"; do kill -0 -- "-$pid" 2>/dev/null && alive=1; done
    [ -z "$alive" ] && return
    sleep 0.2
  done
  for pid in "${children[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

wait_for_url() {
  local url="$1" what="$2" seconds="$3"
  for _ in $(seq 1 $((seconds * 2))); do
    if node -e "fetch(process.argv[1]).then(r=>process.exit(r.status<500?0:1),()=>process.exit(1))" "$url"; then
      return 0
    fi
    for pid in "${children[@]}"; do
      kill -0 "$pid" 2>/dev/null || { log "$what did not start (a process exited early, see above)"; exit 1; }
    done
    sleep 0.5
  done
  log "$what did not answer at $url within ${seconds}s"
  exit 1
}

if [ -f packages/demo-cluster/src/main.ts ]; then
  node --require @backstage/cli/config/nodeTransform.cjs packages/demo-cluster/src/main.ts &
  children+=($!)
  wait_for_url http://127.0.0.1:16443/version "the demo cluster" 60
fi

backstage-cli repo start "${config_args[@]}" &
children+=($!)
wait_for_url http://127.0.0.1:7007/.backstage/health/v1/readiness "the backend" 240
wait_for_url http://localhost:3000 "the frontend" 240

log "Meshlens is running: open http://localhost:3000 (backend http://localhost:7007). Ctrl-C stops it."
# Returns when any child exits; the EXIT trap then stops the others.
wait -n "${children[@]}"
