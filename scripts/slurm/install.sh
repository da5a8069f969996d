#!/bin/bash
# Idempotent install of Debian 12's Slurm 22.05 + munge for computegrid's Slurm backend tests and demo.
# No slurmdbd / MariaDB: clusters run with accounting_storage/none (see docs/backends.md).
# Runs `apt-get update` only when a package is missing. Must run as root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install.sh: must run as root" >&2; exit 1; fi
. "$(dirname "${BASH_SOURCE[0]}")/../apt-ensure.sh"
apt_ensure install.sh slurm-wlm slurmctld slurmd slurmrestd munge slurm-client slurm-wlm-jwt-plugin curl
# slurmrestd refuses to run as root: a dedicated system user
id slurmrest >/dev/null 2>&1 || useradd -r -M -s /usr/sbin/nologin slurmrest
# one munge key shared by every local cluster
mkdir -p /etc/munge /run/munge
chown munge:munge /run/munge
if [ ! -s /etc/munge/munge.key ]; then
  mungekey --create --keyfile=/etc/munge/munge.key
fi
chown munge:munge /etc/munge/munge.key; chmod 400 /etc/munge/munge.key
echo "install.sh: slurm $(dpkg-query -W -f='${Version}' slurmctld) ready" >&2
