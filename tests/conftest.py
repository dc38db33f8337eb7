"""Test set-up: offscreen Qt, a fresh data folder and database for every test, Chinese by default."""
from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")   # before anything imports Qt
os.environ.pop("DESKTOP_CS_PASSWORD", None)

import pytest  # noqa: E402

from desktop_cs import clock, i18n, paths  # noqa: E402
from desktop_cs.models import db as dbmod  # noqa: E402


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    """Every test gets its own data folder; nothing ever touches the real one."""
    folder = tmp_path / "data"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(folder))
    paths.set_data_dir(folder)
    i18n.set_language("zh_CN")
    yield folder
    dbmod.close_database()
    paths.set_data_dir(None)
    clock.set_clock(None)
    i18n.set_language("zh_CN")


@pytest.fixture(autouse=True)
def no_widget_outlives_its_test():
    """Windows and tabs left by a test are deleted, so they stop listening to the app-wide signals."""
    yield
    from PySide6.QtCore import QCoreApplication, QEvent
    from PySide6.QtWidgets import QApplication
    app = QApplication.instance()
    if app is None:
        return
    for widget in QApplication.topLevelWidgets():
        widget.close()
        widget.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    app.processEvents()


@pytest.fixture
def db(request, data_dir):
    """A fresh database migrated to the latest version: the SQLite file in the test's data folder, or
    (``db`` parametrized with "postgres" by tests/unit/conftest.py) a fresh database on the test server."""
    from desktop_cs.services import connection
    from desktop_cs.services.database import open_app_database
    kind = getattr(request, "param", "sqlite")
    if kind == "postgres":
        server = request.getfixturevalue("postgres_server")
        url = server.new_database()
        connection.set_override(url)
        try:
            database = open_app_database()
            yield database
        finally:
            dbmod.close_database()
            connection.set_override(None)
            server.drop_database(url)
        return
    database = open_app_database()
    yield database
    dbmod.close_database()


@pytest.fixture(scope="session")
def postgres_server():
    """The PostgreSQL test server ($DESKTOP_CS_TEST_POSTGRES, see scripts/test_postgres.sh): fresh databases
    copied from a migrated template, one per test."""
    from tests.pg_server import PostgresTestServer
    server = PostgresTestServer.from_environment()
    if server is None:
        pytest.skip("no PostgreSQL test server: run `export DESKTOP_CS_TEST_POSTGRES=$(bash scripts/test_postgres.sh)`")
    yield server
    server.close()


TEST_PASSWORD = "test-pass-123"


@pytest.fixture
def supervisor(db):
    """The first supervisor, created the way the first-run dialog does it."""
    from desktop_cs.services import users
    return users.first_run("测试公司", "boss", "王主管", TEST_PASSWORD, TEST_PASSWORD)


@pytest.fixture
def specialist(supervisor):
    from desktop_cs.services import users
    return users.create_user(supervisor, "spec1", "李专员", "specialist", TEST_PASSWORD)
