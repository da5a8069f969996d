#!/bin/bash
# Idempotent install of Debian's chromium and chromium-driver for the console's browser tests and
# `grid bench joblist` (Selenium drives /usr/bin/chromedriver + /usr/bin/chromium; nothing is downloaded
# at test time). Runs `apt-get update` only when a package is missing. Must run as root.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "browser/install.sh: must run as root" >&2; exit 1; fi
. "$(dirname "${BASH_SOURCE[0]}")/../apt-ensure.sh"
apt_ensure browser/install.sh chromium chromium-driver fonts-dejavu-core
for f in /usr/bin/chromium /usr/bin/chromedriver; do
  [ -x "$f" ] || { echo "browser/install.sh: $f is missing after the install" >&2; exit 1; }
done
echo "browser/install.sh: $(/usr/bin/chromium --version 2>/dev/null | head -1), $(/usr/bin/chromedriver --version | head -1) ready" >&2
