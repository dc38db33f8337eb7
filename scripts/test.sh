#!/usr/bin/env bash
# Set up (first time, with the test tools) and run the whole test suite; extra arguments go to pytest.
# The service and model tests run on SQLite and, when a PostgreSQL server is at hand, on the team
# server too: as root, scripts/test_postgres.sh installs and starts one on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
if [ -z "${DESKTOP_CS_TEST_POSTGRES:-}" ]; then
  DESKTOP_CS_TEST_POSTGRES=$(bash scripts/test_postgres.sh)
  export DESKTOP_CS_TEST_POSTGRES
fi
exec .venv/bin/python -m pytest "$@"
