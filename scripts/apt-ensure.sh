#!/bin/bash
# Sourced by the install scripts: apt_ensure LABEL PKG... installs the packages that are missing, showing
# apt's progress. `apt-get update` runs only when needed: on a fresh image without package lists, or once
# after an install failed on stale lists. Waits for another apt (another install script) instead of failing.
apt_ensure() {
  local label=$1 missing="" p
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
  [ -z "$missing" ] && return 0
  echo "$label: installing$missing (apt prints its progress below)" >&2
  export DEBIAN_FRONTEND=noninteractive
  local apt="apt-get -o DPkg::Lock::Timeout=600"
  if ! ls /var/lib/apt/lists/*_Packages >/dev/null 2>&1; then
    echo "$label: no package lists yet: apt-get update" >&2
    $apt update -q
  fi
  # shellcheck disable=SC2086
  $apt install -y -q --no-install-recommends $missing || {
    echo "$label: install failed, refreshing package lists and retrying" >&2
    $apt update -q
    $apt install -y -q --no-install-recommends $missing
  }
}
