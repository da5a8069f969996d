#!/bin/bash
# Starts an independent one-machine Slurm cluster NAME: its own slurm.conf (use SLURM_CONF=<dir>/slurm.conf),
# ports, state/spool/log dirs under $GRID_SLURM_ROOT/NAME (default /tmp/grid-slurm/NAME), JWT key,
# NODES fake-GPU nodes (Gres=gpu:GPUS backed by /dev/tty*), and slurmrestd with JWT auth on its own port.
# Several clusters run side by side and share munge. Writes NAME/cluster.env and prints it.
#
# Environment: NODES (4), GPUS (8, max 8), CPUS (64), PORT_BASE (derived from NAME), PARTITION (batch),
#              FRESH=1 wipes the cluster's state first.
# Needs scripts/slurm/install.sh to have run (root, Debian 12, no systemd needed).
set -euo pipefail
NAME=${1:?usage: start-cluster.sh NAME}
[[ "$NAME" =~ ^[a-z][a-z0-9]{0,15}$ ]] || { echo "start-cluster.sh: NAME must match [a-z][a-z0-9]{0,15}" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "start-cluster.sh: must run as root" >&2; exit 1; }
for b in slurmctld slurmd slurmrestd munged scontrol sinfo; do
  command -v "$b" >/dev/null || [ -x "/usr/sbin/$b" ] || { echo "start-cluster.sh: $b missing; run scripts/slurm/install.sh" >&2; exit 1; }
done
export PATH="$PATH:/usr/sbin:/sbin"
NODES=${NODES:-4}; GPUS=${GPUS:-8}; CPUS=${CPUS:-64}; PARTITION=${PARTITION:-batch}
[ "$GPUS" -ge 1 ] && [ "$GPUS" -le 8 ] || { echo "start-cluster.sh: GPUS must be 1..8" >&2; exit 2; }
# a stable port block per name, 20 ports wide, in 21000-29000
if [ -z "${PORT_BASE:-}" ]; then
  h=$(printf '%s' "$NAME" | cksum | cut -d' ' -f1)
  PORT_BASE=$((21000 + (h % 400) * 20))
fi
CTLD_PORT=$PORT_BASE; REST_PORT=$((PORT_BASE + 1)); NODE_PORT0=$((PORT_BASE + 2))
[ "$NODES" -ge 1 ] && [ "$NODES" -le 17 ] || { echo "start-cluster.sh: NODES must be 1..17" >&2; exit 2; }
ROOT=${GRID_SLURM_ROOT:-/tmp/grid-slurm}/$NAME
t0=$(date +%s.%N)

if [ -s "$ROOT/run/slurmctld.pid" ] && kill -0 "$(cat "$ROOT/run/slurmctld.pid")" 2>/dev/null; then
  echo "start-cluster.sh: cluster $NAME already running (stop it with stop-cluster.sh $NAME)" >&2; exit 3
fi
[ "${FRESH:-0}" = 1 ] && rm -rf "$ROOT"
mkdir -p "$ROOT"/{etc,state,spool,log,run,jobs}
chmod 755 "$ROOT" "$ROOT/jobs"; chmod 1777 "$ROOT/jobs"

# munge, shared by all clusters: start once
mkdir -p /run/munge; chown munge:munge /run/munge
if ! munge -n </dev/null >/dev/null 2>&1; then
  [ -s /etc/munge/munge.key ] || { mungekey --create --keyfile=/etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key; }
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 1 200); do munge -n </dev/null >/dev/null 2>&1 && break; sleep 0.05; done
fi

KEY=$ROOT/etc/jwt_hs256.key
[ -s "$KEY" ] || dd if=/dev/urandom of="$KEY" bs=32 count=1 status=none
chmod 644 "$KEY"  # slurmctld (root) reads it; the test JVM and demo read it too. Protect the dir in production.

NODELIST="${NAME}n[1-$NODES]"
[ "$NODES" = 1 ] && NODELIST="${NAME}n1"
CONF=$ROOT/etc/slurm.conf
cat >"$CONF" <<CONF
ClusterName=$NAME
SlurmctldHost=localhost
SlurmctldPort=$CTLD_PORT
SlurmdPort=$NODE_PORT0
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$KEY
StateSaveLocation=$ROOT/state
SlurmdSpoolDir=$ROOT/spool/%n
SlurmctldPidFile=$ROOT/run/slurmctld.pid
SlurmdPidFile=$ROOT/run/slurmd-%n.pid
SlurmctldLogFile=$ROOT/log/slurmctld.log
SlurmdLogFile=$ROOT/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=5,bf_continue,bf_window=1440
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1000
PriorityType=priority/multifactor
PriorityWeightPartition=1000
PriorityWeightAge=100
PreemptType=preempt/partition_prio
PreemptMode=REQUEUE
GresTypes=gpu
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$NODELIST NodeHostname=localhost NodeAddr=127.0.0.1 Port=[$NODE_PORT0-$((NODE_PORT0 + NODES - 1))] CPUs=$CPUS Boards=1 SocketsPerBoard=2 CoresPerSocket=$((CPUS / 2)) ThreadsPerCore=1 RealMemory=512000 Gres=gpu:$GPUS State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODELIST Default=YES MaxTime=INFINITE State=UP PriorityTier=1
PartitionName=high Nodes=$NODELIST Default=NO MaxTime=INFINITE State=UP PriorityTier=10
CONF
echo "NodeName=$NODELIST Name=gpu File=/dev/tty[0-$((GPUS - 1))]" >"$ROOT/etc/gres.conf"
export SLURM_CONF=$CONF

slurmctld
for _ in $(seq 1 300); do scontrol ping 2>/dev/null | grep -q UP && break; sleep 0.05; done
scontrol ping 2>/dev/null | grep -q UP || { echo "start-cluster.sh: slurmctld did not come up; see $ROOT/log/slurmctld.log" >&2; exit 4; }
for n in $(seq 1 "$NODES"); do mkdir -p "$ROOT/spool/${NAME}n$n"; slurmd -N "${NAME}n$n"; done
for _ in $(seq 1 300); do
  [ "$(sinfo -h -p "$PARTITION" -t idle,mixed,alloc -o %D 2>/dev/null | awk '{s+=$1} END {print s+0}')" = "$NODES" ] && break; sleep 0.1
done
# nodes left down/drained by an earlier run of the same cluster come back
bad=$(sinfo -h -t down,drain,fail -o %N 2>/dev/null | paste -sd, || true)
[ -n "$bad" ] && scontrol update nodename="$bad" state=resume >/dev/null 2>&1 || true

mkdir -p "$ROOT/run/rest"; chown slurmrest "$ROOT/run/rest"
rm -f "$ROOT/run/slurmrestd.pid"
SLURM_JWT=daemon nohup slurmrestd -u slurmrest -g slurmrest -s openapi/v0.0.38,openapi/v0.0.37 -a rest_auth/jwt \
  "127.0.0.1:$REST_PORT" >"$ROOT/log/slurmrestd.log" 2>&1 &
echo $! >"$ROOT/run/slurmrestd.pid"
for _ in $(seq 1 200); do curl -s -o /dev/null "http://127.0.0.1:$REST_PORT/openapi/v3" && break; sleep 0.05; done
curl -s -o /dev/null "http://127.0.0.1:$REST_PORT/openapi/v3" || { echo "start-cluster.sh: slurmrestd did not come up; see $ROOT/log/slurmrestd.log" >&2; exit 4; }

t1=$(date +%s.%N)
cat >"$ROOT/cluster.env" <<ENV
SLURM_CLUSTER=$NAME
SLURM_CONF=$CONF
SLURM_REST_URL=http://127.0.0.1:$REST_PORT
SLURM_JWT_KEY=$KEY
SLURM_PARTITION=$PARTITION
SLURM_NODES=$NODELIST
SLURM_JOBS_DIR=$ROOT/jobs
SLURM_START_SECONDS=$(awk "BEGIN {printf \"%.2f\", $t1 - $t0}")
ENV
cat "$ROOT/cluster.env"
