"""Team mode: the connection settings, the server URL, and that CI runs the PostgreSQL half of the suite."""
from __future__ import annotations

import json
import os

import pytest

from desktop_cs.models import AuditEntry, Customer
from desktop_cs.models import db as dbmod
from desktop_cs.services import connection, customers
from desktop_cs.services import database as app_database
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.database import DatabaseBusy, ServerUnreachable
from desktop_cs.services.errors import FormErrors
from tests.db_tools import raw, run_two_at_once
from tests.pg_server import ENV



def test_postgres_half_runs_in_ci():
    """CI must run the PostgreSQL half: without a server this says why it was left out."""
    if not os.environ.get(ENV):
        if os.environ.get("CI"):
            pytest.fail(f"${ENV} is not set in CI: the team-server half of the suite did not run")
        pytest.skip(f"${ENV} not set: the service tests ran on SQLite only")
    assert os.environ[ENV].startswith("postgresql://")


def test_built_in_database_by_default(data_dir, monkeypatch):
    monkeypatch.delenv(connection.DATABASE_ENV, raising=False)
    assert connection.configured_url() is None
    assert not connection.is_team_mode()


def test_override_beats_environment_beats_saved_choice(data_dir, monkeypatch):
    connection.save_team_server(connection.TeamServer("saved-host", 5432, "dcs", "cs", "pw"))
    monkeypatch.setenv(connection.DATABASE_ENV, "postgresql://env@env-host/dcs")
    connection.set_override("postgresql://cli@cli-host/dcs")
    try:
        assert connection.configured_url() == "postgresql://cli@cli-host/dcs"
        connection.set_override(None)
        assert connection.configured_url() == "postgresql://env@env-host/dcs"
        monkeypatch.delenv(connection.DATABASE_ENV)
        assert "saved-host" in connection.configured_url()
        connection.use_this_pc()
        assert connection.configured_url() is None
    finally:
        connection.set_override(None)


def test_saved_server_round_trips_with_an_awkward_password(data_dir, monkeypatch):
    monkeypatch.setattr(connection, "_keyring", lambda: None)
    server = connection.TeamServer("192.168.1.20", 5433, "客服", "cs_user", "p@ss:w/rd")
    assert connection.save_team_server(server) == "file"
    saved = connection.saved_team_server()
    assert saved == server
    parsed = connection.TeamServer.from_url(saved.url())
    assert parsed == server
    assert connection.password_warning()           # no keyring: the user is told the password is in the file
    stored = json.loads((data_dir / connection.CONFIG_FILE).read_text(encoding="utf-8"))
    assert stored["password_in"] == "file"


def test_saved_server_password_goes_to_a_keyring_when_there_is_one(data_dir, monkeypatch):
    class FakeKeyring:
        store: dict = {}

        def set_password(self, service, user, password):
            self.store[(service, user)] = password

        def get_password(self, service, user):
            return self.store.get((service, user))

    monkeypatch.setattr(connection, "_keyring", lambda: FakeKeyring())
    assert connection.save_team_server(connection.TeamServer("srv", 5432, "dcs", "cs", "secret")) == "keyring"
    stored = json.loads((data_dir / connection.CONFIG_FILE).read_text(encoding="utf-8"))
    assert "password" not in stored
    assert connection.saved_team_server().password == "secret"
    assert connection.password_warning() == ""


def test_each_missing_field_is_named(data_dir):
    with pytest.raises(FormErrors) as caught:
        connection.save_team_server(connection.TeamServer("", 0, "", ""))
    assert set(caught.value.errors) == {"host", "port", "database", "user"}
    assert not (data_dir / connection.CONFIG_FILE).exists()


def test_the_password_never_shows_in_a_redacted_url():
    url = "postgresql://cs:very-secret@10.0.0.5:5432/dcs"
    assert "very-secret" not in dbmod.redact_url(url)
    assert dbmod.redact_url(url) == "postgresql://cs:***@10.0.0.5:5432/dcs"
    with pytest.raises(ValueError):
        dbmod.make_postgres_database("mysql://x@y/z")


# -- several PCs on one database (run on SQLite and on the team server) --------------------------------

_EDITOR = r'''
import sys, time
from pathlib import Path
from desktop_cs import paths
from desktop_cs.services.database import open_app_database
folder, cid, uid, version, tag = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
paths.set_data_dir(folder)
open_app_database()
from desktop_cs.models import User
from desktop_cs.services import customers
from desktop_cs.services.customers import CustomerInput
user = User.get_by_id(uid)
(folder / ("ready-" + tag)).touch()
deadline = time.time() + 60
while not (folder / "go").exists():
    if time.time() > deadline: sys.exit(3)
    time.sleep(0.0005)
try:
    customers.update_customer(user, cid, CustomerInput(name="改名" + tag), expected_version=version)
    print("saved")
except customers.ChangedByOther as exc:
    print("conflict")
'''


def test_two_pcs_saving_the_same_customer_give_one_save_and_one_conflict(supervisor, data_dir):
    cid = customers.create_customer(supervisor, CustomerInput(name="同时编辑", mobile="13900000077"))
    version = customers.get_customer(supervisor, cid).version
    dbmod.database.close()     # the two "PCs" are the child processes
    assert run_two_at_once(_EDITOR, data_dir, [str(cid), str(supervisor.id), str(version)]) == ["conflict", "saved"]
    dbmod.database.connect(reuse_if_open=True)
    saved = Customer.get_by_id(cid)
    assert saved.name in ("改名a", "改名b") and saved.version == version + 1
    # the winner's edit is audited once; the loser changed nothing
    assert AuditEntry.select().where(AuditEntry.action == "customer_updated",
                                     AuditEntry.entity_id == cid).count() == 1


# -- the team server only ----------------------------------------------------------------------------

@pytest.fixture
def team_db(db):
    if dbmod.is_sqlite(db):
        pytest.skip("about the team server")
    return db


def _admin(postgres_server):
    import psycopg
    return psycopg.connect(postgres_server.admin_url, autocommit=True)


def test_a_save_waiting_on_another_pcs_row_lock_is_told_to_retry_and_loses_nothing(team_db, supervisor,
                                                                                     postgres_server):
    import psycopg
    cid = customers.create_customer(supervisor, CustomerInput(name="锁住", mobile="13900000088"))
    version = customers.get_customer(supervisor, cid).version
    other = psycopg.connect(connection.configured_url())
    try:
        other.execute('SELECT id FROM customer WHERE id = %s FOR UPDATE', (cid,))   # another PC is saving it
        team_db.execute_sql("SET lock_timeout = 300")
        with pytest.raises(DatabaseBusy) as waited:
            customers.update_customer(supervisor, cid, CustomerInput(name="等一下"), expected_version=version)
        assert "重试" in waited.value.message or "try again" in waited.value.message
    finally:
        other.rollback()
        other.close()
    assert Customer.get_by_id(cid).name == "锁住"
    assert customers.update_customer(supervisor, cid, CustomerInput(name="等一下"), expected_version=version) \
        == version + 1


def test_a_lost_connection_is_a_plain_message_and_the_next_call_reconnects(team_db, supervisor, postgres_server):
    cid = customers.create_customer(supervisor, CustomerInput(name="断线", mobile="13900000099"))
    name = team_db.database
    with _admin(postgres_server) as admin:
        admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s "
                      "AND pid <> pg_backend_pid()", (name,))
    with pytest.raises(ServerUnreachable) as lost:
        customers.update_customer(supervisor, cid, CustomerInput(name="半途"))
    assert "团队服务器" in lost.value.message
    assert app_database.ping()                      # the server is there: a new connection
    assert Customer.get_by_id(cid).name == "断线"     # nothing half-written
    customers.update_customer(supervisor, cid, CustomerInput(name="重连后"))
    assert Customer.get_by_id(cid).name == "重连后"


def test_an_unreachable_server_is_a_plain_message(data_dir):
    with pytest.raises(ServerUnreachable) as caught:
        app_database.open_app_database(url="postgresql://nobody:pw@127.0.0.1:1/none?connect_timeout=2")
    assert "团队服务器" in caught.value.message and "pw@" not in caught.value.message


def test_search_finds_the_same_customers_with_the_trigram_index(team_db, supervisor):
    for n, name in enumerate(["张伟", "张三", "欧阳明辉", "李四"]):
        customers.create_customer(supervisor, CustomerInput(name=name, mobile=f"1390000{n:04d}"))
    indexes = {r[0] for r in team_db.execute_sql("SELECT indexname FROM pg_indexes WHERE tablename = "
                                                 "'customer_search'").fetchall()}
    assert "customer_search_keys_trgm" in indexes
    found = customers.search_page(supervisor, customers.CustomerQuery(text="欧阳明"), 0, 50)
    assert [r.name for r in found] == ["欧阳明辉"]
    found = customers.search_page(supervisor, customers.CustomerQuery(text="zw"), 0, 50)
    assert [r.name for r in found] == ["张伟"]


def test_another_pcs_callback_changes_are_announced(team_db, supervisor):
    """LISTEN/NOTIFY: a callback written on one connection reaches a listener on another within a moment."""
    import datetime as dt
    import queue

    from desktop_cs.services import callbacks, change_feed
    heard: queue.Queue = queue.Queue()
    listener = change_feed.ChangeListener(connection.configured_url(), heard.put)
    listener.start()
    try:
        assert listener.listening.wait(10)
        cid = customers.create_customer(supervisor, CustomerInput(name="回访通知", mobile="13900000111"))
        callback_id = callbacks.schedule(supervisor, cid, dt.datetime(2030, 3, 5, 10, 0), "other", confirm_quiet=True)
        # another PC records it: its own connection to the server
        import psycopg
        with psycopg.connect(connection.configured_url(), autocommit=True) as other_pc:
            other_pc.execute("UPDATE callback SET notes = 'done elsewhere' WHERE id = %s", (callback_id,))
        assert heard.get(timeout=10) == "callback"
        assert heard.empty()     # this program's own writes (the customer, the plan) were not echoed back
    finally:
        listener.stop()
    assert not listener.is_alive()


def test_a_database_a_newer_program_migrated_is_left_alone(db):
    """Another PC updated first (or a backup from a newer version): this program refuses, plainly, and
    changes nothing."""
    from desktop_cs.models.migrations import VERSION_TABLE, latest_version
    from desktop_cs.services.database import NewerDatabase
    newer = latest_version() + 1
    raw_sql = f"INSERT INTO {VERSION_TABLE} (version, name, applied_at) VALUES (?, 'from the future', " \
              "'2027-01-01 00:00:00')"
    with db.atomic():
        raw(db, raw_sql, (newer,))
    dbmod.close_database()
    with pytest.raises(NewerDatabase) as refused:
        app_database.open_app_database()
    assert str(newer) in refused.value.message and "新版本" in refused.value.message
    assert dbmod.database.obj.is_closed()
