#!/usr/bin/env bash
# Build the installable program on Linux and check it:
#   bash installer/build.sh                  # dist/desktop-cs/ (one folder; run dist/desktop-cs/desktop-cs)
#   DESKTOP_CS_ONEFILE=1 bash installer/build.sh   # also dist/desktop-cs-onefile (one file, slower to start)
#   bash installer/build.sh --skip-setup     # the .venv is set up already (CI, after the tests)
# Prints the bundle size and fails when it is over 200 MB, when the bundle links a library that is
# neither inside it nor on a bare target (glibc, libgl1, libegl1), or when the bundle's smoke check
# does not print ok: offscreen, with the network cut off (unshare -n) and in a root holding only the
# bundle and the target's libraries. Also checks that the real window opens (offscreen).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$(date +%s)
LIMIT_MB=200
BUNDLE=dist/desktop-cs
PROGRAM=$BUNDLE/desktop-cs

fail() { echo "build.sh: FAILED: $*" >&2; exit 1; }
# the program under test sees offscreen Qt and none of the calling shell's DESKTOP_CS_* variables
run() { env $(env | sed -n 's/^\(DESKTOP_CS_[A-Z_]*\)=.*/-u \1/p') QT_QPA_PLATFORM=offscreen "$@"; }

if [ "${1:-}" != "--skip-setup" ]; then
  bash scripts/setup.sh --dev
fi
# PyInstaller reads and writes executables with binutils (objdump, objcopy); check_bundle.py uses readelf
if ! command -v objcopy >/dev/null || ! command -v objdump >/dev/null || ! command -v readelf >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing binutils (PyInstaller needs objdump and objcopy)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils >/dev/null \
      || { DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq binutils >/dev/null; }
  else
    fail "binutils is missing: sudo apt-get install -y binutils"
  fi
fi

echo "== building $BUNDLE with PyInstaller"
t0=$(date +%s)
.venv/bin/python -m PyInstaller --noconfirm --log-level WARN installer/desktop-cs.spec
echo "build.sh: built in $(( $(date +%s) - t0 )) s"
[ -x "$PROGRAM" ] || fail "$PROGRAM was not built"

size_mb=$(du -sm "$BUNDLE" | cut -f1)
echo "build.sh: bundle size $(du -sh "$BUNDLE" | cut -f1) ($size_mb MiB unpacked; limit $LIMIT_MB)"
[ "$size_mb" -le "$LIMIT_MB" ] || fail "the bundle is $size_mb MiB, over $LIMIT_MB"

echo "== linked libraries"
set +e
.venv/bin/python installer/check_bundle.py libs "$BUNDLE"
code=$?
set -e
[ $code -eq 0 ] || [ $code -eq 3 ] || fail "the bundle links libraries it does not carry"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

echo "== smoke check of the bundle"
out=$(run "$PROGRAM" --data-dir "$scratch/smoke" smoke) || fail "smoke exited with an error: $out"
echo "$out"
[ "$out" = "ok" ] || fail "smoke printed '$out', not ok"

echo "== the real window (first start: the set-up dialog), offscreen"
out=$(run env DESKTOP_CS_EXIT_AFTER_SHOWN=1 timeout 120 "$PROGRAM" --data-dir "$scratch/gui") \
  || fail "the window program exited with an error: $out"
echo "$out"
[ "$out" = "shown" ] || fail "the window program printed '$out', not shown"

echo "== the team server driver (psycopg, loaded on demand) in the bundle"
if [ -n "${DESKTOP_CS_TEST_POSTGRES:-}" ] && command -v psql >/dev/null; then
  # a real server: the bundle creates the schema (migrations, pg_trgm), an account, and checks the data
  team_db="dcs_bundle_$$"
  team_url="${DESKTOP_CS_TEST_POSTGRES%/*}/$team_db"
  psql "$DESKTOP_CS_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS \"$team_db\"" -c "CREATE DATABASE \"$team_db\"" \
    || fail "cannot create a database on the test server"
  team() { run env DESKTOP_CS_PASSWORD=bundle-pass-1 "$PROGRAM" --data-dir "$scratch/team" --lang en \
    --database "$team_url" "$@" 2>&1; }
  out=$(team create-user boss --role supervisor --company Bundle) || fail "create-user on the team server: $out"
  out=$(team --user boss check) || fail "check on the team server: $out"
  echo "$out" | grep -q "points reconciliation, audit chain: ok" || fail "check on the team server printed: $out"
  psql "$DESKTOP_CS_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS \"$team_db\" WITH (FORCE)" >/dev/null
  echo "team server: ok"
else
  # no server: the driver must still load and report the unreachable server plainly
  out=$(run "$PROGRAM" --data-dir "$scratch/team" --lang en \
    --database "postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2" check 2>&1) && fail "check succeeded?"
  echo "$out" | grep -q "team server cannot be reached" || fail "no plain message for an unreachable server: $out"
  echo "$out" | grep -q "Traceback" && fail "a traceback: $out"
  echo "team server unreachable: plain message, ok"
fi

echo "== smoke check without network (unshare -n)"
if unshare -n true 2>/dev/null; then
  out=$(run unshare -n -- "$PROGRAM" --data-dir "$scratch/offline" smoke) || fail "offline smoke failed: $out"
  echo "$out"
  [ "$out" = "ok" ] || fail "offline smoke printed '$out', not ok"
else
  echo "build.sh: skipped: unshare -n is not permitted here (it needs root or unprivileged user namespaces)"
fi

echo "== smoke check in a minimal root (no Python, only glibc, libgl1, libegl1; no network)"
set +e
.venv/bin/python installer/check_bundle.py minimal-root "$BUNDLE"
code=$?
set -e
[ $code -eq 0 ] || [ $code -eq 3 ] || fail "the bundle does not run in a minimal root"

if [ "${DESKTOP_CS_ONEFILE:-}" = "1" ]; then
  echo "== one-file build"
  DESKTOP_CS_ONEFILE=1 .venv/bin/python -m PyInstaller --noconfirm --log-level WARN installer/desktop-cs.spec
  echo "build.sh: dist/desktop-cs-onefile: $(du -sh dist/desktop-cs-onefile | cut -f1)"
  out=$(run dist/desktop-cs-onefile --data-dir "$scratch/onefile" smoke) || fail "one-file smoke failed: $out"
  echo "$out"
  [ "$out" = "ok" ] || fail "one-file smoke printed '$out', not ok"
fi

echo "build.sh: $PROGRAM ready ($(du -sh "$BUNDLE" | cut -f1)); all checks passed in $(( $(date +%s) - started )) s"
