#!/bin/bash
# Dispatch benchmark: SlurmBackend vs straight POSTs to slurmrestd on a fresh local cluster "bench".
# usage: scripts/slurm/bench.sh [--jobs 100] [--rounds 3]     (root; after scripts/slurm/install.sh)
set -euo pipefail
cd "$(dirname "$0")/../.."
mvn -B -q -o install -DskipTests -pl grid-model >/dev/null
mvn -B -q -o compile -pl grid-backend-slurm >/dev/null
CPF=$(mktemp)
mvn -B -q -o dependency:build-classpath -pl grid-backend-slurm -Dmdep.outputFile="$CPF" -Dmdep.includeScope=runtime >/dev/null
CP=$(cat "$CPF"); rm -f "$CPF"
FRESH=1 NODES=4 scripts/slurm/start-cluster.sh bench >/dev/null
trap 'WIPE=1 scripts/slurm/stop-cluster.sh bench >/dev/null' EXIT
java -cp "grid-backend-slurm/target/classes:$CP" io.computegrid.backend.slurm.SlurmDispatchBench --cluster bench "$@"
