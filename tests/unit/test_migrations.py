"""The schema: migrations, pragmas, and the constraints that guard identity and money-like data."""
from __future__ import annotations

import sqlite3

import peewee as pw
import pytest

from desktop_cs.models import ALL_MODELS, Customer, PointsEntry, database
from desktop_cs.models import migrations
from desktop_cs.models.migrations import current_version, latest_version, migrate
from tests.db_tools import raw


def test_empty_database_migrates_to_latest_and_second_run_is_noop(db):
    assert current_version(db) == latest_version()
    tables_before = sorted(db.get_tables())
    assert migrate(db) == []
    assert sorted(db.get_tables()) == tables_before
    for model in ALL_MODELS:
        assert model._meta.table_name in tables_before


def test_migrated_schema_matches_the_models(db):
    """Every model column exists in the migrated database (a model change needs a migration)."""
    for model in ALL_MODELS:
        columns = {c.name for c in db.get_columns(model._meta.table_name)}
        expected = {f.column_name for f in model._meta.sorted_fields}
        assert columns == expected, model.__name__


@pytest.mark.sqlite_only
def test_pragmas(db):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute_sql("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert db.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 1000


@pytest.mark.sqlite_only
def test_existing_database_is_backed_up_before_migrating(db, data_dir, monkeypatch):
    class Extra:
        @staticmethod
        def statements(kind):
            return ["CREATE TABLE extra_for_test (id INTEGER PRIMARY KEY)"]

    monkeypatch.setattr(migrations, "MIGRATIONS",
                        migrations.MIGRATIONS + [migrations.Migration(latest_version() + 1, "test", Extra)])
    applied = migrate(db, backup_dir=data_dir / "backups")
    assert applied == [migrations.MIGRATIONS[-1].version]
    backups = list((data_dir / "backups").glob("before-migration-*.sqlite3"))
    assert len(backups) == 1
    con = sqlite3.connect(backups[0])
    assert "extra_for_test" not in {r[0] for r in con.execute("SELECT name FROM sqlite_master")}
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_failed_migration_leaves_last_complete_version(db, monkeypatch):
    class Broken:
        @staticmethod
        def statements(kind):
            return ["CREATE TABLE half_done (id INTEGER PRIMARY KEY)", "THIS IS NOT SQL"]

    version = current_version(db)
    monkeypatch.setattr(migrations, "MIGRATIONS",
                        migrations.MIGRATIONS + [migrations.Migration(version + 1, "broken", Broken)])
    with pytest.raises(pw.DatabaseError):
        migrate(db)
    assert current_version(db) == version
    assert "half_done" not in db.get_tables()


def _customer(**kw) -> Customer:
    values = {"name": "张三", "customer_type": "investor", "source": "hotline"}
    values.update(kw)
    return Customer.create(**values)


def test_duplicate_mobile_among_live_customers_is_refused(db):
    _customer(mobile="13800138000")
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            _customer(name="李四", mobile="13800138000")


def test_duplicate_id_number_is_refused_but_a_deleted_customer_frees_it(db, supervisor):
    first = _customer(id_number="11010519491231002X")
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            _customer(name="李四", id_number="11010519491231002X")
    Customer.update(deleted_at=first.created_at).where(Customer.id == first.id).execute()
    assert _customer(name="李四", id_number="11010519491231002X").id != first.id


def test_unknown_state_is_refused(db):
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            _customer(customer_type="friend")


def _earn(customer, points, **kw):
    return PointsEntry.create(customer=customer, kind="earn", points=points, **kw)


def test_negative_points_balance_is_refused_by_the_database(db):
    c = _customer()
    _earn(c, 100)
    with pytest.raises(pw.IntegrityError, match="negative"):
        with database.atomic():
            PointsEntry.create(customer=c, kind="redeem", points=-101)
    PointsEntry.create(customer=c, kind="redeem", points=-100)
    total = PointsEntry.select(pw.fn.SUM(PointsEntry.points)).where(PointsEntry.customer == c).scalar()
    assert total == 0


# INTEGER affinity stores 10.0 and "12" losslessly as integers; what cannot be an integer is refused.
@pytest.mark.parametrize("value", [1.5, 0.1, "1.5", "abc"])
def test_non_integer_points_are_refused_by_the_database(db, value):
    c = _customer()
    insert = ("INSERT INTO points_entry (customer_id, kind, points, created_at, reason) "
              "VALUES (?, 'earn', ?, '2026-01-01 00:00:00', '')")
    if isinstance(db, pw.SqliteDatabase):
        with pytest.raises(pw.IntegrityError, match="integer"):
            with database.atomic():
                raw(db, insert, (c.id, value))
        return
    if isinstance(value, float):
        pytest.skip("PostgreSQL casts a float parameter to the integer column on assignment; services pass int only")
    # PostgreSQL: the column is an integer column; text that is not a whole number is refused
    with pytest.raises(pw.DataError):
        with database.atomic():
            raw(db, insert, (c.id, value))


@pytest.mark.parametrize("table", ["points_entry", "audit_entry"])
def test_append_only_tables_refuse_update_and_delete(db, supervisor, table):
    c = _customer()
    _earn(c, 5)
    with pytest.raises(pw.IntegrityError, match="append-only"):
        db.execute_sql(f"UPDATE {table} SET created_at = created_at" if table == "points_entry"
                       else f"UPDATE {table} SET summary = 'x'")
    with pytest.raises(pw.IntegrityError, match="append-only"):
        db.execute_sql(f"DELETE FROM {table}")


def test_an_entry_cannot_be_reversed_twice(db):
    c = _customer()
    lot = _earn(c, 30)
    PointsEntry.create(customer=c, kind="reverse", points=-30, reverses=lot)
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            _earn(c, 30, reference=None)
            PointsEntry.create(customer=c, kind="reverse", points=-30, reverses=lot)


def test_a_once_only_award_is_stored_once(db):
    c = _customer()
    _earn(c, 20, once_key="realname")
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            _earn(c, 20, once_key="realname")


def test_foreign_keys_are_enforced(db):
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            PointsEntry.create(customer=999999, kind="earn", points=5)
