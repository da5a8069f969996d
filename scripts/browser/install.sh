#!/bin/bash
# Idempotent install of Debian's chromium and chromium-driver for the console's browser tests and
# `grid bench joblist` (Selenium drives /usr/bin/chromedriver + /usr/bin/chromium; nothing is downloaded
# at test time). Runs `apt-get update` only when a package is missing. Must run as root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "browser/install.sh: must run as root" >&2; exit 1; fi
PKGS="chromium chromium-driver fonts-dejavu-core"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "browser/install.sh: installing$missing (apt prints its progress below)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # another install (e.g. scripts/slurm/install.sh) may hold the dpkg lock: wait for it instead of failing
  APT="apt-get -o DPkg::Lock::Timeout=600"
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
    echo "browser/install.sh: no package lists yet: apt-get update" >&2
    $APT update -q
  fi
  $APT install -y -q --no-install-recommends $missing || {
    echo "browser/install.sh: install failed, refreshing package lists and retrying" >&2
    $APT update -q
    $APT install -y -q --no-install-recommends $missing
  }
fi
for f in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$f" ] || { echo "browser/install.sh: $f is missing after the install" >&2; exit 1; }
done
echo "browser/install.sh: $(/usr/bin/chromium --version 2>/dev/null | head -1), $(/usr/bin/chromedriver --version | head -1) ready" >&2
