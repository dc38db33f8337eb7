"""Team server benchmark: ``desktop-cs migrate-to URL`` of the demo archive into an empty PostgreSQL database.

Needs a PostgreSQL server and a role that may create databases: ``BENCH_POSTGRES`` (else
``DESKTOP_CS_TEST_POSTGRES``, the tests' admin URL; ``bash scripts/test_postgres.sh`` starts
one on this machine). Without it the figure is skipped. The demo database
(``bench/out/demo-<N>``) is never changed: it is copied into a scratch data folder with the
online backup API, migrated from there into a database made for the run, and both are
removed afterwards. The figure is the command's wall time, process start to exit (checked
backup, schema, COPY, indexes and keys, the command's own verification, ANALYZE); the row
counts of every table and every customer's points balance are then compared independently
on both sides, and a difference fails the benchmark.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.core import DEMO_PASSWORD, BenchError, BenchSkipped, Context, Result, benchmark

SERVER_ENVS = ("BENCH_POSTGRES", "DESKTOP_CS_TEST_POSTGRES")
#: seconds for 100,000 customers (scaled linearly, never below 10 s)
MIGRATE_TARGET_SECONDS = 120.0


def _admin_url() -> str:
    for name in SERVER_ENVS:
        if os.environ.get(name):
            return os.environ[name]
    raise BenchSkipped("no PostgreSQL server: set BENCH_POSTGRES (or DESKTOP_CS_TEST_POSTGRES) to an admin URL, "
                       "e.g. the one `bash scripts/test_postgres.sh` prints")


def _sqlite_counts(path: Path) -> tuple[dict[str, int], dict[int, int]]:
    con = sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in names}
        balances = dict(con.execute("SELECT customer_id, SUM(points) FROM points_entry GROUP BY customer_id"))
        return counts, balances
    finally:
        con.close()


def _pg_counts(con) -> tuple[dict[str, int], dict[int, int]]:
    names = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")]
    counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in names}
    balances = {cid: int(total) for cid, total in
                con.execute("SELECT customer_id, SUM(points) FROM points_entry GROUP BY customer_id")}
    return counts, balances


@benchmark("team.migrate_to", "desktop-cs migrate-to: the demo archive copied to an empty PostgreSQL database")
def migrate_to(ctx: Context) -> Result:
    admin_url = _admin_url()
    try:
        import psycopg
        admin = psycopg.connect(admin_url, autocommit=True, connect_timeout=5)
    except Exception as exc:  # noqa: BLE001 - no server here is a skip, not a failure
        raise BenchSkipped(f"the PostgreSQL server at {urlsplit(admin_url).hostname} cannot be reached: {exc}")
    source = ctx.demo_dir() / "desktop_cs.sqlite3"
    scratch = Path(tempfile.mkdtemp(prefix="migrate-to-", dir=ctx.out_dir))
    name = f"bench_migrate_{os.getpid()}"
    url = urlsplit(admin_url)._replace(path="/" + name).geturl()
    try:
        src = sqlite3.connect(source.absolute().as_uri() + "?mode=ro", uri=True)
        try:
            dest = sqlite3.connect(str(scratch / "desktop_cs.sqlite3"))
            src.backup(dest)
            dest.close()
        finally:
            src.close()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        command = ctx.app_command(scratch, "--lang", "en", "--user", "supervisor", "migrate-to", url)
        start = time.perf_counter()
        done = subprocess.run(command, cwd=ctx.root, env=ctx.env(DESKTOP_CS_PASSWORD=DEMO_PASSWORD),
                              capture_output=True, text=True, timeout=3600)
        seconds = time.perf_counter() - start
        if done.returncode != 0:
            raise BenchError(f"migrate-to failed: {(done.stderr or done.stdout)[-800:]}")
        here, here_balances = _sqlite_counts(scratch / "desktop_cs.sqlite3")   # after the command: what it copied
        with psycopg.connect(url, autocommit=True) as con:
            there, there_balances = _pg_counts(con)
        here.pop("schema_migration", None)
        there.pop("schema_migration", None)
        if here != there:
            differ = {t: (here.get(t), there.get(t)) for t in set(here) | set(there) if here.get(t) != there.get(t)}
            raise BenchError(f"row counts differ (this PC, server): {differ}")
        if here_balances != there_balances:
            raise BenchError("points balances differ between this PC and the server")
        phases = next((line for line in done.stdout.splitlines() if line.startswith("Done in")), "")
        target = max(10.0, MIGRATE_TARGET_SECONDS * ctx.customers / 100_000)
        return Result("team.migrate_to", seconds, "s", target=target,
                      note=f"{sum(here.values()):,} rows in {len(here)} tables, counts and {len(here_balances):,} "
                           f"balances identical; {phases}")
    finally:
        try:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            admin.close()
            shutil.rmtree(scratch, ignore_errors=True)


SEARCH_RUNS = 25
#: keystroke -> first page budget of the archive (issue 3), on the team server as on this PC
SEARCH_TARGET_MS = 50.0


def _server_copy(ctx: Context, admin_url: str) -> str:
    """The URL of a server database holding the demo archive (made once with migrate-to, then reused)."""
    import psycopg
    name = f"bench_demo_{ctx.customers}"
    url = urlsplit(admin_url)._replace(path="/" + name).geturl()
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if exists:
        with psycopg.connect(url, autocommit=True) as con:
            row = con.execute("SELECT COUNT(*) FROM customer").fetchone() if con.execute(
                "SELECT to_regclass('customer')").fetchone()[0] else None
        if row and row[0] >= ctx.customers:
            return url
    scratch = Path(tempfile.mkdtemp(prefix="search-copy-", dir=ctx.out_dir))
    try:
        src = sqlite3.connect((ctx.demo_dir() / "desktop_cs.sqlite3").absolute().as_uri() + "?mode=ro", uri=True)
        dest = sqlite3.connect(str(scratch / "desktop_cs.sqlite3"))
        src.backup(dest)
        dest.close()
        src.close()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        done = subprocess.run(ctx.app_command(scratch, "--lang", "en", "--user", "supervisor", "migrate-to", url),
                              cwd=ctx.root, env=ctx.env(DESKTOP_CS_PASSWORD=DEMO_PASSWORD), capture_output=True,
                              text=True, timeout=3600)
        if done.returncode != 0:
            raise BenchError(f"migrate-to failed: {(done.stderr or done.stdout)[-800:]}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return url


_SEARCH_SCRIPT = r"""
import json, sys, time
from pathlib import Path
from desktop_cs.services.database import open_app_database
from desktop_cs.models import User
from desktop_cs.services import customers
target, queries, runs = sys.argv[1], json.loads(sys.argv[2]), int(sys.argv[3])
open_app_database(url=target) if target.startswith("postgresql://") else open_app_database(Path(target))
boss = User.get(User.login == "supervisor")
out = {}
for kind, text in queries.items():
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        customers.search_page(boss, customers.CustomerQuery(text=text))
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    out[kind] = times[max(0, int(round(0.95 * len(times))) - 1)]
print(json.dumps(out))
"""


def _search_p95(ctx: Context, target: str, queries: dict[str, str]) -> dict[str, float]:
    import json
    done = subprocess.run([ctx.python, "-c", _SEARCH_SCRIPT, target, json.dumps(queries), str(SEARCH_RUNS)],
                          cwd=ctx.root, env=ctx.env(), capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise BenchError(f"search failed: {done.stderr[-800:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@benchmark("team.search", "archive search page p95 on the team server vs this PC's SQLite file (same service call)")
def search(ctx: Context) -> list[Result]:
    from bench.archive_search import QUERIES
    admin_url = _admin_url()
    try:
        url = _server_copy(ctx, admin_url)
    except BenchError:
        raise
    except Exception as exc:  # noqa: BLE001 - no server here is a skip, not a failure
        raise BenchSkipped(f"the PostgreSQL server at {urlsplit(admin_url).hostname} cannot be used: {exc}")
    here = _search_p95(ctx, str(ctx.demo_dir() / "desktop_cs.sqlite3"), QUERIES)
    there = _search_p95(ctx, url, QUERIES)
    worst = max(there, key=there.get)
    results = [Result(f"team.search.{kind}", round(there[kind], 1), "ms", baseline=round(here[kind], 1),
                      target=SEARCH_TARGET_MS, note=f"{QUERIES[kind]!r}: server p95 vs this PC's p95")
               for kind in QUERIES]
    results.append(Result("team.search.worst", round(there[worst], 1), "ms", baseline=round(here[worst], 1),
                          target=SEARCH_TARGET_MS, note=f"worst query on the server: {QUERIES[worst]!r}"))
    return results
