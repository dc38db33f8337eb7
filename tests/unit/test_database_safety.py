"""One database, several writers, network drives and crashes: a waiting write gets a plain retry message, a network
data folder gets the rollback journal, and a writer killed at random times loses no committed change."""
from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desktop_cs import paths
from desktop_cs.models import Customer, database
from desktop_cs.models import db as dbmod
from desktop_cs.services import customers
from desktop_cs.services import database as app_database
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.errors import Conflict

ROOT = Path(__file__).resolve().parents[2]


# -- network drives --------------------------------------------------------------------------------

def _mounts(tmp_path: Path, lines: list[str], monkeypatch) -> None:
    table = tmp_path / "mounts"
    table.write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setattr(app_database, "MOUNTS_FILE", table)


def test_a_data_folder_on_a_network_share_gets_the_rollback_journal(tmp_path, data_dir, monkeypatch):
    share = str(data_dir).replace(" ", "\\040")
    _mounts(tmp_path, ["/dev/vda / ext4 rw 0 0", f"//server/kefu {share} cifs rw,vers=3.0 0 0"], monkeypatch)
    assert app_database.is_network_path(data_dir / "desktop_cs.sqlite3")
    db = app_database.open_app_database()
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert app_database.state().network and not app_database.state().wal
    from desktop_cs import i18n
    i18n.set_language("en")
    assert "team server" in app_database.network_notice()


def test_a_local_data_folder_keeps_wal(tmp_path, data_dir, monkeypatch):
    _mounts(tmp_path, ["/dev/vda / ext4 rw 0 0", "server:/export /mnt/nfs nfs4 rw 0 0"], monkeypatch)
    assert not app_database.is_network_path(data_dir)
    assert app_database.is_network_path("/mnt/nfs/kefu/data")
    db = app_database.open_app_database()
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert app_database.network_notice() == ""


@pytest.mark.parametrize("fs_type", ["nfs", "cifs", "smb3", "fuse.sshfs", "fuse.rclone", "9p"])
def test_network_file_system_types(tmp_path, monkeypatch, fs_type):
    _mounts(tmp_path, ["/dev/vda / ext4 rw 0 0", f"remote /srv/share {fs_type} rw 0 0"], monkeypatch)
    assert app_database.is_network_path("/srv/share/data")
    assert not app_database.is_network_path("/srv/sharex/data")       # a prefix of the name is not inside


def test_unc_paths_are_network_paths():
    assert app_database.is_network_path("\\\\server\\share\\desktop_cs")


# -- two writers -----------------------------------------------------------------------------------

@pytest.mark.sqlite_only     # the team server's row locks: tests/unit/test_team_server.py
def test_a_write_waiting_on_another_gets_a_retry_message_and_loses_nothing(supervisor):
    path = dbmod.sqlite_path()
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")       # another window (or PC) is saving
    database.execute_sql("PRAGMA busy_timeout = 200")
    try:
        with pytest.raises(Conflict) as waited:
            customers.create_customer(supervisor, CustomerInput(name="等一下", mobile="13900000001"))
        assert isinstance(waited.value, app_database.DatabaseBusy)
        assert "try again" in waited.value.message or "重试" in waited.value.message
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert not Customer.select().where(Customer.name == "等一下").exists()
    cid = customers.create_customer(supervisor, CustomerInput(name="等一下", mobile="13900000001"))
    assert Customer.get_by_id(cid).mobile == "13900000001"


def test_the_database_errors_a_user_can_act_on_have_plain_messages():
    import peewee as pw
    assert isinstance(app_database.service_error_for(pw.OperationalError("database is locked")),
                      app_database.DatabaseBusy)
    assert isinstance(app_database.service_error_for(pw.DatabaseError("database disk image is malformed")),
                      app_database.DatabaseDamaged)
    assert isinstance(app_database.service_error_for(pw.OperationalError("database or disk is full")),
                      app_database.DiskFull)
    assert app_database.service_error_for(pw.IntegrityError("UNIQUE constraint failed")) is None
    assert app_database.service_error_for(ValueError("x")) is None


def test_edits_of_the_same_record_by_two_people_are_detected(supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="同时编辑"))
    version = customers.get_customer(supervisor, cid).version
    customers.update_customer(supervisor, cid, CustomerInput(name="第一人"), expected_version=version)
    with pytest.raises(customers.ChangedByOther):
        customers.update_customer(supervisor, cid, CustomerInput(name="第二人"), expected_version=version)


# -- crashes ---------------------------------------------------------------------------------------

_WRITER = r'''
import sys
from desktop_cs.models import db as dbmod, Customer, User
from desktop_cs.services import audit
db = dbmod.open_database(sys.argv[1])
actor = User.get(User.login == "boss")
n = 0
while True:
    n += 1
    with db.atomic():
        c = Customer.create(name=f"写入{n}", search_key=f"x{n}", mobile=f"137{int(sys.argv[2]) * 100000 + n:08d}")
        audit.record(actor, "customer_created", entity="customer", entity_id=c.id, customer_id=c.id, summary=c.name)
    print(c.id, flush=True)
'''


@pytest.mark.slow
@pytest.mark.sqlite_only
def test_a_writer_killed_at_random_times_loses_no_committed_change(supervisor):
    path = dbmod.sqlite_path()
    dbmod.close_database()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DESKTOP_CS_")}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    rng = random.Random(20)
    committed: list[int] = []
    deadline = time.monotonic() + 60
    for run in range(20):
        child = subprocess.Popen([sys.executable, "-c", _WRITER, str(path), str(run)], stdout=subprocess.PIPE,
                                 stderr=subprocess.PIPE, env=env, cwd=ROOT)
        assert child.stdout is not None
        first = child.stdout.readline()          # it writes: now kill it at a random moment
        assert first.strip().isdigit(), child.stderr.read().decode() if child.stderr else ""
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(signal.SIGKILL)
        out, _err = child.communicate()
        lines = (first + out).decode().split("\n")
        complete = [int(x) for x in lines[:-1] if x.strip().isdigit()]   # the last piece may be cut short
        committed += complete
        con = sqlite3.connect(path)
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        present = {r[0] for r in con.execute("SELECT id FROM customer")}
        con.close()
        assert set(committed) <= present, sorted(set(committed) - present)[:5]
        assert time.monotonic() < deadline
    assert len(committed) > 20
    dbmod.open_database(path)
    from desktop_cs.services import audit
    assert audit.verify_chain().ok
