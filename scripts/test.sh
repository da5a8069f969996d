#!/usr/bin/env bash
# Runs every test of computegrid from a clean clone: installs what the real-engine tests need
# (Debian's Slurm for the Slurm backend tests, Debian's chromium for the console's browser tests; the
# embedded PostgreSQL comes from Maven), then builds and tests all modules.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if [ -x scripts/slurm/install.sh ]; then
  scripts/slurm/install.sh
fi
if [ -x scripts/browser/install.sh ]; then
  scripts/browser/install.sh
fi
mvn -B -ntp verify "$@"
