"""The team server commands: ``migrate-to URL`` (this PC's SQLite database into an empty PostgreSQL database) and
``backup`` / ``restore`` on a team server.

The source is a small demo archive made in the test's data folder; the targets are fresh
databases on the PostgreSQL test server ($DESKTOP_CS_TEST_POSTGRES; those tests skip
without it). Commands run in-process through ``cli.main``, as the other command tests do.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from urllib.parse import urlsplit

import peewee as pw
import pytest

from desktop_cs import paths
from desktop_cs.cli import main
from desktop_cs.models import db as dbmod

DEMO_PASSWORD = "demo1234"


@pytest.fixture
def run(monkeypatch, capsys):
    """Run the command line in English; returns (exit code, stdout, stderr)."""
    from desktop_cs.services import connection

    def _run(*argv, password=DEMO_PASSWORD):
        monkeypatch.delenv("DESKTOP_CS_PASSWORD", raising=False)
        if password:
            monkeypatch.setenv("DESKTOP_CS_PASSWORD", password)
        dbmod.close_database()
        try:
            code = main(["--lang", "en", *argv])
        finally:
            connection.set_override(None)       # --database lasts for one run only
        out, err = capsys.readouterr()
        return code, out, err

    yield _run
    connection.set_override(None)


@pytest.fixture
def source(data_dir):
    """This PC's database: 300 demo customers with a year of history (users supervisor / specialist1..)."""
    from desktop_cs.services import demo_data
    from desktop_cs.services.database import open_app_database
    open_app_database(paths.database_path())
    demo_data.generate(None, 300, seed=3, password=DEMO_PASSWORD)
    dbmod.close_database()
    return paths.database_path()


def _psycopg(url: str):
    import psycopg
    return psycopg.connect(url, autocommit=True)


@pytest.fixture
def bare_target(postgres_server):
    """An empty database on the server: no tables at all (migrate-to creates the schema)."""
    name = f"{postgres_server.template.rsplit('_template', 1)[0]}_bare_{id(object())}"
    with _psycopg(postgres_server.admin_url) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = postgres_server.url_for(name)
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def migrated_target(postgres_server):
    """An empty database holding the migrated schema (as a PC that already opened it leaves it)."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture(params=["bare", "migrated"])
def target(request):
    return request.getfixturevalue(f"{request.param}_target")


def _sqlite_tables(path) -> dict[str, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                           "AND name NOT LIKE 'sqlite_%'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in names}
    finally:
        con.close()


def _pg_tables(url) -> dict[str, int]:
    with _psycopg(url) as con:
        names = [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in names}


def _balances_sqlite(path) -> dict[int, int]:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return dict(con.execute("SELECT customer_id, SUM(points) FROM points_entry GROUP BY customer_id"))
    finally:
        con.close()


def _balances_pg(url) -> dict[int, int]:
    with _psycopg(url) as con:
        return {cid: int(total) for cid, total in
                con.execute("SELECT customer_id, SUM(points) FROM points_entry GROUP BY customer_id")}


def _chain_on(url):
    from desktop_cs.models import ALL_MODELS
    from desktop_cs.services import audit
    target = dbmod.make_postgres_database(url)
    target.connect()
    try:
        with target.bind_ctx(ALL_MODELS):
            return audit.verify_chain()
    finally:
        target.close()


def _foreign_keys(url) -> int:
    with _psycopg(url) as con:
        return con.execute("SELECT COUNT(*) FROM pg_constraint WHERE contype = 'f'").fetchone()[0]


def _migrate(run, url, *more):
    return run("--user", "supervisor", *more, "migrate-to", url)


# -- migrate-to --------------------------------------------------------------------------------------

def test_migrate_to_copies_everything_and_verifies(run, source, target, postgres_server, data_dir):
    code, out, err = _migrate(run, target)
    assert code == 0, err
    here, there = _sqlite_tables(source), _pg_tables(target)
    assert here.pop("schema_migration") == there.pop("schema_migration")
    assert here == there
    assert here["customer"] == 300 and here["points_entry"] > 1000 and here["callback"] > 1000
    assert _balances_sqlite(source) == _balances_pg(target) and len(_balances_pg(target)) > 100
    chain = _chain_on(target)
    assert chain.ok and chain.checked == here["audit_entry"]
    # the summary says what was checked; the password never shows
    assert "Row counts: identical on both sides in all" in out
    assert "Points balances: identical for all" in out
    assert "Audit chain: verified on the server" in out
    assert "dcs_test:***@" in out and ":dcs_test@" not in out + err
    # the checked backup was taken first, and this PC's audit log says where the data went (copied along)
    backups = list((data_dir / "backups").glob("desktop_cs-*-before-migration.sqlite3"))
    assert len(backups) == 1
    with _psycopg(target) as con:
        assert con.execute("SELECT action, entity FROM audit_entry ORDER BY id DESC LIMIT 1").fetchone() == (
            "data_exported", "database")
        # sequences continue after the largest id copied
        for table in ("customer", "points_entry", "audit_entry", "callback"):
            top = con.execute(f'SELECT MAX(id) FROM "{table}"').fetchone()[0]
            following = con.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))").fetchone()[0]
            assert following == top + 1, table
        # the guards are in force again, every foreign key is back
        triggers = dict(con.execute("SELECT tgname, tgenabled FROM pg_trigger WHERE NOT tgisinternal"))
        assert triggers["points_entry_not_negative"] == "O" and triggers["points_allocation_within_lot"] == "O"
        assert triggers["points_entry_append_only"] == "O" and triggers["audit_entry_append_only"] == "O"
        with pytest.raises(Exception, match="append-only"):
            con.execute("DELETE FROM audit_entry WHERE id = 1")
    fresh = postgres_server.new_database()
    try:
        assert _foreign_keys(target) == _foreign_keys(fresh) > 20
    finally:
        postgres_server.drop_database(fresh)


def test_the_team_works_on_the_copy(run, source, migrated_target):
    """The program opens the copy as its team server and signs in with the same accounts."""
    assert _migrate(run, migrated_target)[0] == 0
    from desktop_cs.models import Customer
    from desktop_cs.services import users
    from desktop_cs.services.database import open_app_database
    open_app_database(url=migrated_target)
    try:
        assert users.authenticate("supervisor", DEMO_PASSWORD).role == "supervisor"
        assert Customer.select().count() == 300
    finally:
        dbmod.close_database()


def test_a_target_with_data_is_refused_and_left_alone(run, source, migrated_target, data_dir):
    assert _migrate(run, migrated_target)[0] == 0
    before = _pg_tables(migrated_target)
    backups_before = sorted((data_dir / "backups").iterdir())
    code, out, err = _migrate(run, migrated_target)
    assert code == 1
    assert "not empty" in err and "nothing was changed" in err
    assert "Traceback" not in err
    assert _pg_tables(migrated_target) == before
    assert sorted((data_dir / "backups").iterdir()) == backups_before    # refused before the backup


def test_a_failure_midway_leaves_the_target_empty(run, source, target, monkeypatch):
    from desktop_cs.services import team_migration
    tables_before = _pg_tables(target)
    keys_before = _foreign_keys(target)
    real_copy = team_migration._copy_table

    def failing_copy(snapshot, db, table, *args, **kwargs):
        if table == "callback":
            raise pw.DataError("simulated failure while copying callback")
        return real_copy(snapshot, db, table, *args, **kwargs)

    monkeypatch.setattr(team_migration, "_copy_table", failing_copy)
    code, out, err = _migrate(run, target)
    assert code == 1
    assert "undone" in err and "simulated failure" in err and "Traceback" not in err
    after = _pg_tables(target)
    assert after == tables_before                        # no table (bare) or the same empty tables (migrated)
    assert all(rows == 0 for table, rows in after.items() if table != "schema_migration")
    assert _foreign_keys(target) == keys_before
    # and then it works
    monkeypatch.setattr(team_migration, "_copy_table", real_copy)
    assert _migrate(run, target)[0] == 0


def test_a_ledger_the_guards_refuse_is_not_copied(run, source, migrated_target):
    """The AFTER INSERT guards are paused during the copy: their rules are checked afterwards, set-based."""
    con = sqlite3.connect(source)
    con.execute("DROP TRIGGER points_entry_not_negative")          # a damaged copy of the program got past it
    cid = con.execute("SELECT customer_id FROM points_entry GROUP BY customer_id ORDER BY customer_id "
                      "LIMIT 1").fetchone()[0]
    con.execute("INSERT INTO points_entry (customer_id, kind, points, created_at, reason) "
                "VALUES (?, 'adjust', -99999999, '2026-01-01 10:00:00', 'bad')", (cid,))
    con.commit()
    con.close()
    code, out, err = _migrate(run, migrated_target)
    assert code == 1
    assert "points_entry_not_negative" in err and "undone" in err
    assert all(rows == 0 for table, rows in _pg_tables(migrated_target).items() if table != "schema_migration")


def test_an_unreachable_server_is_a_clear_message(run, source, data_dir):
    code, out, err = _migrate(run, "postgresql://dcs:s3cret@127.0.0.1:1/desk")
    assert code == 1
    assert "cannot be reached" in err and "Nothing was changed" in err
    assert "s3cret" not in out + err and "Traceback" not in err
    assert not (data_dir / "backups").exists() or not list((data_dir / "backups").glob("*before-migration*"))


def test_not_a_server_address(run, source):
    code, out, err = _migrate(run, "https://example.com/desk")
    assert code == 1 and "not valid" in err


def test_a_specialist_may_not_migrate(run, source):
    code, out, err = run("--user", "specialist1", "migrate-to", "postgresql://dcs@127.0.0.1:1/desk")
    assert code == 1 and "not allowed" in err


def test_without_accounts_no_sign_in_is_needed(run, data_dir, migrated_target):
    from desktop_cs.services.database import open_app_database
    open_app_database(paths.database_path())
    dbmod.close_database()
    code, out, err = run("migrate-to", migrated_target, password=None)
    assert code == 0, err


def test_nothing_to_copy(run, data_dir):
    code, out, err = run("migrate-to", "postgresql://dcs@127.0.0.1:1/desk", password=None)
    assert code == 1 and "no database on this PC" in err
    assert not paths.database_path().exists()


# -- backup and restore on a team server ----------------------------------------------------------

@pytest.fixture
def team(run, source, migrated_target):
    """A team server holding the demo archive (migrated from this PC)."""
    assert _migrate(run, migrated_target)[0] == 0
    return migrated_target


@pytest.mark.skipif(shutil.which("pg_dump") is None, reason="pg_dump is not installed")
def test_backup_on_a_team_server_is_a_checked_pg_dump(run, team, data_dir):
    code, out, err = run("--database", team, "--user", "supervisor", "backup")
    assert code == 0, err
    dumps = list((data_dir / "backups").glob("desktop_cs-*-manual.dump"))
    assert len(dumps) == 1
    assert "pg_restore --list reads its" in out and "pg_dump" in out
    listing = subprocess.run(["pg_restore", "--list", str(dumps[0])], capture_output=True, text=True)
    assert listing.returncode == 0
    assert " TABLE DATA public customer " in listing.stdout and " TABLE DATA public audit_entry " in listing.stdout
    password = urlsplit(team).password
    assert f":{password}@" not in out + err


def test_backup_without_pg_dump_says_what_the_administrator_runs(run, team, monkeypatch, tmp_path):
    empty = tmp_path / "no-tools"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    code, out, err = run("--database", team, "--user", "supervisor", "backup")
    assert code == 1
    parts = urlsplit(team)
    assert f"pg_dump -Fc -h {parts.hostname} -p {parts.port} -U {parts.username} -d {parts.path.strip('/')}" in err
    assert f":{parts.password}@" not in err and "PGPASSWORD=" not in err    # (the test user's password is its name)
    assert "Traceback" not in err


def test_restore_on_a_team_server_is_the_administrators_job(run, team, tmp_path):
    dump = tmp_path / "desktop_cs-20260101-100000-manual.dump"
    dump.write_bytes(b"PGDMP")
    code, out, err = run("--database", team, "--user", "supervisor", "restore", str(dump), "--yes")
    assert code == 1
    assert "administrator" in err and "pg_restore --clean --if-exists" in err and dump.name in err


def test_check_on_a_team_server_checks_points_and_the_audit_chain(run, team, data_dir):
    code, out, err = run("--database", team, "--user", "supervisor", "check")
    assert code == 0, out + err
    assert "kept by the team server" in out
    assert "points reconciliation, audit chain: ok" in out
    # an unreachable server: one plain problem, no look at this PC's file
    code, out, err = run("--database", "postgresql://x:y@127.0.0.1:1/none?connect_timeout=2", "--user",
                         "supervisor", "check")
    assert code == 1 and "Traceback" not in out + err
    assert "team server cannot be reached" in out + err
    assert "integrity_check" not in out
