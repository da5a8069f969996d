#!/bin/bash
# Idempotent install of Debian 12's Slurm 22.05 + munge for computegrid's Slurm backend tests and demo.
# No slurmdbd / MariaDB: clusters run with accounting_storage/none (see docs/backends.md).
# Runs `apt-get update` only when a package is missing. Must run as root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "install.sh: must run as root" >&2; exit 1; fi
PKGS="slurm-wlm slurmctld slurmd slurmrestd munge slurm-client slurm-wlm-jwt-plugin curl"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "install.sh: installing$missing (apt prints its progress below)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # a fresh image has no package lists: update first then; otherwise only when install fails on stale lists
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
    echo "install.sh: no package lists yet: apt-get update" >&2
    apt-get update -q
  fi
  apt-get install -y -q --no-install-recommends $missing || {
    echo "install.sh: install failed, refreshing package lists and retrying" >&2
    apt-get update -q
    apt-get install -y -q --no-install-recommends $missing
  }
fi
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
