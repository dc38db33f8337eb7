"""Backups and recovery: online copies checked before they count, retention, the encrypted second copy, restore,
the checks on planted faults, the start-up check and the read-only switch."""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

import pytest

from desktop_cs import clock, paths
from desktop_cs.models import AuditEntry, Customer, CustomerTag, PointsEntry, database
from desktop_cs.models import db as dbmod
from desktop_cs.services import backup_crypto, backups, customers, demo_data, users
from desktop_cs.services import database as app_database
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.errors import FormErrors, PermissionDenied, ServiceError
from tests.conftest import TEST_PASSWORD

#: backups and checks of this PC's SQLite file; a team server's are pg_dump's (tests/cli/test_cli_team.py)
pytestmark = pytest.mark.sqlite_only


@pytest.fixture
def demo(db):
    demo_data.generate(None, 25, seed=7)
    return users.authenticate("supervisor", "demo1234")


def balances() -> dict[int, int]:
    return {cid: total for cid, total in database.execute_sql(
        "SELECT customer_id, SUM(points) FROM points_entry GROUP BY customer_id").fetchall()}


def test_a_backup_is_an_online_copy_checked_before_it_counts(demo):
    info = backups.make_backup("manual")
    assert info.path.parent == paths.backups_dir() and info.path.name.endswith("-manual.sqlite3")
    assert info.checked == "integrity" and info.counts["customer"] == 25
    con = sqlite3.connect(info.path)
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "delete"    # one self-contained file
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    meta = json.loads(Path(str(info.path) + ".json").read_text(encoding="utf-8"))
    assert meta["checked"] == "integrity" and meta["audit_id"] == backups.last_change_id()
    assert [b.path for b in backups.list_backups()] == [info.path]


def test_a_copy_that_fails_its_check_is_not_kept(demo, monkeypatch):
    monkeypatch.setattr(backups, "check_file", lambda path, level="integrity": ["*** page 3 is never used"])
    with pytest.raises(backups.BackupFailed, match="page 3"):
        backups.make_backup("auto")
    assert not list(paths.backups_dir().glob("*"))


def test_the_automatic_backup_runs_only_after_a_change(supervisor):
    first = backups.backup_if_changed()
    assert first is not None
    assert backups.backup_if_changed() is None
    customers.create_customer(supervisor, CustomerInput(name="新客户"))
    assert backups.changed_since_last_backup()
    assert backups.backup_on_exit().checked == "quick"
    assert backups.backup_if_changed() is None


def _fake(folder: Path, at: dt.datetime, reason: str = "auto") -> Path:
    path = folder / f"desktop_cs-{at:%Y%m%d-%H%M%S}-{reason}.sqlite3"
    path.write_bytes(b"x")
    return path


def test_retention_keeps_7_daily_4_weekly_12_monthly(tmp_path, monkeypatch):
    now = dt.datetime(2026, 6, 30, 18, 0)
    clock.set_clock(lambda: now)
    made = [_fake(tmp_path, now - dt.timedelta(days=d, hours=h)) for d in range(0, 400) for h in (1, 5)]
    old_import = _fake(tmp_path, now - dt.timedelta(days=3, hours=2), "before-import")
    recent_import = _fake(tmp_path, now - dt.timedelta(days=1, hours=7), "before-import")
    (tmp_path / "my-own-copy.sqlite3").write_bytes(b"mine")
    settings = backups.BackupSettings(daily=7, weekly=4, monthly=12)
    removed = backups.prune(tmp_path, settings)
    kept = sorted(p.name for p in tmp_path.iterdir())
    assert "my-own-copy.sqlite3" in kept                 # files not named like ours are never touched
    assert old_import.name in kept and recent_import.name in kept   # "before-" backups stay 7 days
    ours = [b for b in backups.list_backups(tmp_path) if b.reason == "auto"]
    days = {b.created_at.date() for b in ours}
    # the newest of each of the last 7 days ...
    for d in range(7):
        day = (now - dt.timedelta(days=d)).date()
        newest = max(p for p in made if p.name[11:19] == day.strftime("%Y%m%d"))
        assert newest.name in kept
    # ... of each of 4 weeks and 12 months, nothing more
    weeks = {tuple(b.created_at.isocalendar())[:2] for b in ours}
    months = {(b.created_at.year, b.created_at.month) for b in ours}
    last_weeks = sorted({tuple((now - dt.timedelta(days=d)).isocalendar())[:2] for d in range(400)})[-4:]
    assert set(last_weeks) <= weeks
    assert len(months) == 12 and len(days) == len(ours)      # at most one per day
    assert len(ours) <= 7 + 4 + 12 and len(removed) == len(made) - len(ours)


def test_the_second_copy_is_encrypted_and_opens_with_the_passphrase(demo, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    with pytest.raises(FormErrors) as errors:
        backups.save_settings(demo, 7, 4, 12, str(usb), "short", "short")
    assert "passphrase" in errors.value.errors
    with pytest.raises(FormErrors) as errors:
        backups.save_settings(demo, 7, 4, 12, str(usb), "correct horse battery", "correct horse batterY")
    assert "repeat" in errors.value.errors
    with pytest.raises(FormErrors) as errors:
        backups.save_settings(demo, 7, 4, 12, str(paths.data_dir()), "correct horse battery", "correct horse battery")
    assert "second_folder" in errors.value.errors
    backups.save_settings(demo, 7, 4, 12, str(usb), "correct horse battery", "correct horse battery")
    stored = backups.settings_path().read_text(encoding="utf-8")
    assert "correct horse" not in stored
    assert "correct horse" not in AuditEntry.select().order_by(AuditEntry.id.desc()).get().details
    info = backups.make_backup("manual")
    assert info.second_copy is not None and info.second_copy.parent == usb and not info.second_copy_error
    sealed = info.second_copy.read_bytes()
    assert b"SQLite format 3" not in sealed and sealed.startswith(backup_crypto.MAGIC)
    with pytest.raises(backup_crypto.DecryptionFailed):
        backups.inspect_backup(info.second_copy, "wrong passphrase")
    details = backups.inspect_backup(info.second_copy, "correct horse battery")
    assert details.ok and details.counts["customer"] == 25 and details.encrypted
    plain = tmp_path / "plain.sqlite3"
    backup_crypto.decrypt_file(info.second_copy, plain, "correct horse battery")
    assert plain.read_bytes() == info.path.read_bytes()


def test_a_missing_usb_disk_does_not_stop_the_local_backup(demo, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    backups.save_settings(demo, 7, 4, 12, str(usb), "correct horse battery", "correct horse battery")
    usb.rmdir()
    info = backups.make_backup("auto")
    assert info.path.exists() and info.second_copy is None and info.second_copy_error


def test_restore_gives_identical_counts_and_balances(demo):
    info = backups.make_backup("manual")
    counts, points = backups.table_counts(info.path), balances()
    # the day goes on: customers, points, a deletion
    cid = customers.create_customer(demo, CustomerInput(name="备份之后"))
    from desktop_cs.services import points as points_service
    points_service.record_event(demo, cid, "registration")
    customers.delete_customer(demo, Customer.select().first().id, "测试")
    assert balances() != points
    result = backups.restore(demo, info.path)
    assert result.before_restore is not None and result.before_restore.exists()
    after = backups.table_counts(dbmod.sqlite_path())
    audit_after = after.pop("audit_entry")
    assert audit_after == counts.pop("audit_entry") + 1        # the restore itself is audited
    assert after == counts
    assert balances() == points
    entry = AuditEntry.select().order_by(AuditEntry.id.desc()).get()
    assert entry.action == "database_restored" and entry.user_name == "supervisor"
    # the previous state is in the before-restore backup
    assert backups.table_counts(result.before_restore)["customer"] == counts["customer"] + 1


def test_restore_of_an_encrypted_copy(demo, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    backups.save_settings(demo, 7, 4, 12, str(usb), "correct horse battery", "correct horse battery")
    info = backups.make_backup("manual")
    customers.create_customer(demo, CustomerInput(name="备份之后"))
    with pytest.raises(ServiceError):
        backups.restore(demo, info.second_copy)            # no passphrase
    backups.restore(demo, info.second_copy, "correct horse battery")
    assert Customer.select().count() == 25


def test_only_a_supervisor_restores(supervisor, specialist):
    info = backups.make_backup("manual")
    with pytest.raises(PermissionDenied):
        backups.restore(specialist, info.path)


def test_a_file_that_is_not_a_backup_is_refused(supervisor, tmp_path):
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all" * 100)
    details = backups.inspect_backup(junk)
    assert not details.ok
    with pytest.raises(ServiceError):
        backups.restore(supervisor, junk)
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (a)").connection.commit()
    assert "not a database of this program" in backups.inspect_backup(other).problem or \
        not backups.inspect_backup(other).ok


# -- checks on planted faults ----------------------------------------------------------------------

def _close_and_path() -> Path:
    path = dbmod.sqlite_path()
    database.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dbmod.close_database()
    return path


def _flip_bytes(path: Path, table: str = "customer") -> None:
    con = sqlite3.connect(path)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    with open(path, "r+b") as f:
        f.seek((root - 1) * page_size)
        f.write(b"\x0d\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff")   # a leaf page header pointing nowhere


def test_a_sound_database_passes_every_check(demo):
    assert backups.check_database(demo).ok
    assert backups.startup_check().ok


def test_flipped_bytes_are_found_by_check_and_start_up_check(demo):
    path = _close_and_path()
    _flip_bytes(path)
    assert not backups.startup_check(path).ok
    assert not backups.check_structure(path).ok


def test_a_broken_foreign_key_is_found(demo):
    path = _close_and_path()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    con.execute("INSERT INTO customer_tag (customer_id, tag_id) VALUES (999999, 1)")
    con.commit()
    con.close()
    report = backups.check_structure(path)
    assert not report.ok and any("customer_tag" in p for p in report.problems)


def test_a_ledger_row_written_around_the_rules_is_found(demo):
    path = _close_and_path()
    con = sqlite3.connect(path)
    trigger = con.execute("SELECT sql FROM sqlite_master WHERE name = 'points_entry_not_negative'").fetchone()[0]
    con.execute("DROP TRIGGER points_entry_not_negative")
    cid = con.execute("SELECT id FROM customer WHERE id NOT IN (SELECT customer_id FROM points_entry)").fetchone()[0]
    con.execute("INSERT INTO points_entry (customer_id, kind, points, created_at, reason) "
                "VALUES (?, 'redeem', -500, '2026-01-01 10:00:00', 'written around the rules')", (cid,))
    con.execute(trigger)
    con.commit()
    con.close()
    dbmod.open_database(path)
    assert backups.check_structure(path).ok               # the file itself is sound
    report = backups.check_data(demo)
    assert not report.ok and any(str(cid) in p for p in report.problems)


def test_start_up_damage_switches_to_read_only_and_offers_the_newest_good_backup(demo, supervisor=None):
    good = backups.make_backup("auto")
    path = _close_and_path()
    _flip_bytes(path, "points_entry")
    dbmod.open_database(path)
    report = backups.startup_check()
    assert not report.ok
    app_database.switch_to_read_only("the start-up check found damage.")
    assert app_database.is_read_only()
    with pytest.raises(app_database.ReadOnlyDatabase, match="read-only|只读"):
        customers.create_customer(demo, CustomerInput(name="写不进去"))
    assert backups.newest_good_backup().path == good.path
    # the way out: restore the newest good backup (the damaged file is kept aside or backed up first)
    result = backups.restore(demo, good.path)
    assert not app_database.is_read_only()
    assert backups.startup_check().ok
    assert result.before_restore or result.moved_aside


def test_restore_over_a_database_too_damaged_to_sign_in(demo):
    good = backups.make_backup("manual")
    path = _close_and_path()
    with open(path, "r+b") as f:       # the header itself: nothing can be read any more
        f.write(b"garbage garbage garbage garbage garbage garbage garbage garbage garbage garbage")
    with pytest.raises(PermissionDenied):
        backups.restore_as("specialist1", "demo1234", good.path)
    result = backups.restore_as("supervisor", "demo1234", good.path)
    assert result.moved_aside is not None and result.moved_aside.exists()
    assert Customer.select().count() == 25 and backups.startup_check().ok


def test_a_database_is_backed_up_and_checked_before_it_migrates(supervisor, monkeypatch):
    from types import SimpleNamespace

    from desktop_cs.models import migrations
    step = migrations.Migration(migrations.latest_version() + 1, "test step",
                                SimpleNamespace(statements=lambda kind: ["CREATE TABLE test_step (a INTEGER)"]))
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, step])
    dbmod.close_database()
    app_database.open_app_database()
    made = [b for b in backups.list_backups() if b.reason == "before-migration"]
    assert len(made) == 1 and made[0].checked == "quick"
    assert made[0].schema_version == step.version - 1
    assert "test_step" in database.get_tables()
