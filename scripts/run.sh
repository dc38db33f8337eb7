#!/usr/bin/env bash
# Set up (first time) and launch desktop_cs on the embedded SQLite database; extra arguments go to the program.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ "$#" -eq 0 ] && command -v xvfb-run >/dev/null 2>&1; then
  echo "No display found: starting on a virtual screen (xvfb-run). On a desktop PC the window opens directly."
  exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/desktop-cs "$@"
fi
exec .venv/bin/desktop-cs "$@"
