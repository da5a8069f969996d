#!/bin/bash
# Starts a local Slurm cluster "demo" (4 nodes x 8 fake GPUs, slurmrestd on 127.0.0.1:26801), then the computegrid
# server with one local center and that Slurm center. Ctrl-C stops both. Run as root from anywhere:
#   examples/slurm-demo/run.sh            (PORT=8080 DATA=/tmp/grid-slurm-demo-data by default)
# then, in another shell:
#   export GRID_TOKEN=$(cat /tmp/grid-slurm-demo-data/admin.token)
#   bin/grid submit -f examples/slurm-demo/job.yaml --wait && bin/grid logs <ID> --task 1
#   SLURM_CONF=/tmp/grid-slurm/demo/etc/slurm.conf squeue     # the job as Slurm sees it
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
PORT=${PORT:-8080}
DATA=${DATA:-/tmp/grid-slurm-demo-data}
[ "$(id -u)" = 0 ] || { echo "run.sh: must run as root (Slurm daemons)" >&2; exit 1; }
"$root/scripts/slurm/install.sh"
"$root/scripts/slurm/stop-cluster.sh" demo >/dev/null 2>&1 || true
PORT_BASE=26800 NODES=4 GPUS=8 "$root/scripts/slurm/start-cluster.sh" demo
trap '"$root/scripts/slurm/stop-cluster.sh" demo' EXIT
if [ ! -x "$root/bin/grid" ] || [ ! -f "$root/grid-cli/target/grid-cli-0.1.0-SNAPSHOT.jar" ]; then
  echo "run.sh: building computegrid (mvn -B -q -DskipTests package)" >&2
  (cd "$root" && mvn -B -q -DskipTests package)
fi
echo "run.sh: starting computegrid on :$PORT with data in $DATA (Ctrl-C stops it and the Slurm cluster)" >&2
"$root/bin/grid" server --port "$PORT" --data "$DATA" --config "$here/federation.yaml"
