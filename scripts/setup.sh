#!/usr/bin/env bash
# Set up desktop_cs on a fresh Debian/Ubuntu machine: system libraries for Qt (apt-get when
# root, otherwise the exact apt line is printed), then a project virtual environment in .venv.
#   bash scripts/setup.sh          # the app's dependencies
#   bash scripts/setup.sh --dev    # plus the test and build tools
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES="python3-venv libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0 \
libxkbcommon0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 \
libxcb-shape0 libxcb-xkb1 libxkbcommon-x11-0 xvfb xauth poppler-utils"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
fi
# python3-venv is only needed when the interpreter in use cannot make a venv by itself
if [ -n "$missing" ] && python3 -c 'import venv, ensurepip' 2>/dev/null; then
  missing=$(echo "$missing" | sed 's/ python3-venv//')
fi
if [ -n "${missing// /}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing system libraries:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  else
    echo "These system libraries are missing; install them first, then run this again:"
    echo "  sudo apt-get install -y$missing"
    exit 1
  fi
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
# editable_mode=compat: a plain path entry; the default import-hook finder costs ~12 ms per start
if [ "${1:-}" = "--dev" ]; then
  .venv/bin/python -m pip install -q -e ".[dev]" --config-settings editable_mode=compat
else
  .venv/bin/python -m pip install -q -e . --config-settings editable_mode=compat
fi
echo "desktop_cs is set up in $(pwd)/.venv"
