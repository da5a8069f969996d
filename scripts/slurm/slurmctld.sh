#!/bin/bash
# Stops or starts only the slurmctld of cluster NAME (slurmds and slurmrestd stay up), to rehearse a controller outage.
# usage: slurmctld.sh NAME stop|start
set -euo pipefail
NAME=${1:?usage: slurmctld.sh NAME stop|start}; ACTION=${2:?usage: slurmctld.sh NAME stop|start}
[[ "$NAME" =~ ^[a-z][a-z0-9]{0,15}$ ]] || { echo "slurmctld.sh: bad NAME" >&2; exit 2; }
export PATH="$PATH:/usr/sbin:/sbin"
ROOT=${GRID_SLURM_ROOT:-/tmp/grid-slurm}/$NAME
export SLURM_CONF=$ROOT/etc/slurm.conf
[ -f "$SLURM_CONF" ] || { echo "slurmctld.sh: no cluster $NAME" >&2; exit 1; }
PIDF=$ROOT/run/slurmctld.pid
case "$ACTION" in
  stop)
    [ -s "$PIDF" ] || exit 0
    p=$(cat "$PIDF"); kill "$p" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    rm -f "$PIDF" ;;
  start)
    if [ -s "$PIDF" ] && kill -0 "$(cat "$PIDF")" 2>/dev/null; then exit 0; fi
    slurmctld
    for _ in $(seq 1 300); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.05; done
    scontrol ping 2>/dev/null | grep -q UP || { echo "slurmctld.sh: slurmctld did not come up" >&2; exit 4; } ;;
  *) echo "slurmctld.sh: action must be stop or start" >&2; exit 2 ;;
esac
