"""Test helpers that reach below the services the way an attacker or a damaged file would, on either database."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import peewee as pw

ROOT = Path(__file__).resolve().parents[1]


def drop_guards(db: pw.Database, table: str) -> None:
    """Switch off the guard triggers of TABLE (append-only, never-negative, lot limits) to plant damage."""
    if isinstance(db, pw.SqliteDatabase):
        names = [r[0] for r in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?", (table,)).fetchall()]
        for name in names:
            db.execute_sql(f'DROP TRIGGER "{name}"')
    else:
        db.execute_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')


def raw(db: pw.Database, sql: str, params: tuple = ()):
    """Run SQL written with ? placeholders on either database."""
    return db.execute_sql(sql.replace("?", db.param), params)


def run_two_at_once(script: str, data_dir: Path, args: list[str]) -> list[str]:
    """Run SCRIPT (python -c) as two processes, "PCs" a and b, on this test's database; release them at once.

    Each child gets DATA_DIR, ARGS and its tag; it touches ``ready-<tag>`` in DATA_DIR when set up and
    waits for ``go``. On the team server both use its URL. Returns what each printed, sorted.
    """
    from desktop_cs.services import connection
    env = dict(os.environ)
    if connection.configured_url():
        env[connection.DATABASE_ENV] = connection.configured_url()
    procs = [subprocess.Popen([sys.executable, "-c", script, str(data_dir), *args, tag], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for tag in ("a", "b")]
    deadline = time.time() + 60
    while not all((data_dir / f"ready-{t}").exists() for t in ("a", "b")):
        assert time.time() < deadline and all(p.poll() is None for p in procs), [p.communicate() for p in procs]
        time.sleep(0.01)
    (data_dir / "go").touch()
    outputs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    return sorted(out.strip() for out, _err in outputs)
