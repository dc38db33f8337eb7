#!/usr/bin/env bash
# A PostgreSQL server on loopback for the team-mode tests (Debian's `postgresql` package).
# Run as root: installs the package when missing, starts the cluster, creates the test role,
# and prints the admin URL for DESKTOP_CS_TEST_POSTGRES. Not root and no server: prints nothing
# (the PostgreSQL half of the suite is then skipped, with the reason shown by pytest).
#   export DESKTOP_CS_TEST_POSTGRES=$(bash scripts/test_postgres.sh)
set -euo pipefail
ROLE=dcs_test
PASSWORD=dcs_test
URL="postgresql://$ROLE:$PASSWORD@127.0.0.1:5432/postgres"

if [ "$(id -u)" != 0 ]; then
  if command -v pg_isready >/dev/null 2>&1 && pg_isready -q -h 127.0.0.1 -p 5432; then echo "$URL"; fi
  exit 0
fi
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "Installing PostgreSQL for the team-mode tests" >&2
  DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q .; then
  pg_createcluster "$version" main >/dev/null
fi
cluster=$(pg_lsclusters -h | awk 'NR==1 {print $1" "$2}')
if ! pg_lsclusters -h | awk 'NR==1 {print $4}' | grep -q online; then
  pg_ctlcluster $cluster start >&2
fi
for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 0.5; done
# a throw-away test server: durability off makes CREATE DATABASE and commits cheap
su postgres -c "psql -q -v ON_ERROR_STOP=1" >&2 <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN CREATEDB CREATEROLE PASSWORD '$PASSWORD';
  END IF;
END \$\$;
GRANT pg_signal_backend TO $ROLE;
ALTER SYSTEM SET fsync = off;
ALTER SYSTEM SET synchronous_commit = off;
ALTER SYSTEM SET full_page_writes = off;
SELECT pg_reload_conf();
SQL
echo "$URL"
