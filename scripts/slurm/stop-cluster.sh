#!/bin/bash
# Stops cluster NAME started by start-cluster.sh, by its own PID files (never pkill): slurmrestd, slurmds, slurmctld.
# Munge is shared and left running; `stop-cluster.sh --munge` stops it when no cluster is left.
# WIPE=1 also removes the cluster's directory.
set -uo pipefail
ROOTBASE=${GRID_SLURM_ROOT:-/tmp/grid-slurm}
if [ "${1:-}" = "--munge" ]; then
  for d in "$ROOTBASE"/*/run; do
    [ -s "$d/slurmctld.pid" ] && kill -0 "$(cat "$d/slurmctld.pid")" 2>/dev/null && { echo "stop-cluster.sh: a cluster still runs ($d)" >&2; exit 1; }
  done
  [ -s /run/munge/munged.pid ] && kill "$(cat /run/munge/munged.pid)"; exit 0
fi
NAME=${1:?usage: stop-cluster.sh NAME | --munge}
[[ "$NAME" =~ ^[a-z][a-z0-9]{0,15}$ ]] || { echo "stop-cluster.sh: bad NAME" >&2; exit 2; }
ROOT=$ROOTBASE/$NAME
[ -d "$ROOT" ] || { echo "stop-cluster.sh: no cluster $NAME under $ROOTBASE" >&2; exit 1; }
pids=()
k() { # kill the daemon whose pid file is $1, if it is alive
  local f=$1 p
  [ -s "$f" ] || return 0
  p=$(cat "$f")
  if kill -0 "$p" 2>/dev/null; then kill "$p" && pids+=("$p"); fi
  rm -f "$f"
}
k "$ROOT/run/slurmrestd.pid"
for f in "$ROOT"/run/slurmd-*.pid; do [ -e "$f" ] && k "$f"; done
k "$ROOT/run/slurmctld.pid"
# wait (at most 10 s) until they are gone, so that ports are free for the next start
for _ in $(seq 1 100); do
  alive=0; for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
  [ $alive = 0 ] && break; sleep 0.1
done
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null; done
[ "${WIPE:-0}" = 1 ] && rm -rf "$ROOT"
echo "stopped $NAME"
