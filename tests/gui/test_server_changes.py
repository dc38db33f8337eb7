"""Another PC's change on the team server refreshes My day and the complaint log here (LISTEN/NOTIFY)."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_cs.models import db as dbmod
from desktop_cs.services import callbacks, connection, customers, users
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.database import open_app_database
from desktop_cs.views.common.events import events
from desktop_cs.views.complaints.signals import complaint_events
from desktop_cs.views.server_changes import ServerChanges


@pytest.fixture
def team(postgres_server, data_dir):
    url = postgres_server.new_database()
    connection.set_override(url)
    open_app_database()
    boss = users.first_run("测试公司", "boss", "王主管", "test-pass-123", "test-pass-123")
    yield url, boss
    dbmod.close_database()
    connection.set_override(None)
    postgres_server.drop_database(url)


def _other_pc(url: str, sql: str, params: tuple) -> None:
    import psycopg
    with psycopg.connect(url, autocommit=True) as con:
        con.execute(sql, params)


def test_a_callback_recorded_on_another_pc_refreshes_my_day(qtbot, team):
    url, boss = team
    cid = customers.create_customer(boss, CustomerInput(name="别处回访", mobile="13900000222"))
    callback_id = callbacks.schedule(boss, cid, dt.datetime(2030, 3, 5, 10, 0), "other", confirm_quiet=True)
    changes = ServerChanges(url)
    changes.start()
    try:
        assert changes.listener.listening.wait(10)
        with qtbot.waitSignal(events().callbacksChanged, timeout=10000):
            _other_pc(url, "UPDATE callback SET status = 'cancelled' WHERE id = %s", (callback_id,))
        with qtbot.waitSignal(complaint_events().complaintsChanged, timeout=10000) as blocker:
            _other_pc(url, "UPDATE complaint SET description = description WHERE id = %s", (0,))
        assert blocker.args == [[]]
    finally:
        changes.stop()


def test_this_pcs_own_writes_are_not_echoed(qtbot, team):
    url, boss = team
    cid = customers.create_customer(boss, CustomerInput(name="本机回访", mobile="13900000333"))
    changes = ServerChanges(url)
    changes.start()
    try:
        assert changes.listener.listening.wait(10)
        with qtbot.assertNotEmitted(events().callbacksChanged, wait=1500):
            callbacks.schedule(boss, cid, dt.datetime(2030, 3, 6, 10, 0), "other", confirm_quiet=True)
    finally:
        changes.stop()


def test_the_main_window_listens_on_a_team_server_and_stops_when_closed(qtbot, team):
    from desktop_cs.views.main_window import MainWindow
    _url, boss = team
    window = MainWindow(boss)
    qtbot.addWidget(window)
    assert window.server_changes is not None
    listener = window.server_changes.listener
    assert listener.listening.wait(10)
    window.close()
    assert not listener.is_alive()


def test_no_listener_on_this_pcs_own_database(qtbot, supervisor):
    from desktop_cs.views.main_window import MainWindow
    window = MainWindow(supervisor)
    qtbot.addWidget(window)
    assert window.server_changes is None
