"""Service and model tests run against both databases: SQLite (single PC) and PostgreSQL (team server).

A test that uses the ``db`` fixture (directly or through ``supervisor`` / ``specialist``) runs
once per database; one marked ``sqlite_only`` (file backups, the SQLite file's own safety
rules) runs on SQLite alone. The PostgreSQL half needs ``$DESKTOP_CS_TEST_POSTGRES`` (CI and
``scripts/test.sh`` as root start a server; see scripts/test_postgres.sh).
"""
from __future__ import annotations

import os

from tests.pg_server import ENV


def pytest_configure(config):
    config.addinivalue_line("markers", "sqlite_only: about the SQLite file itself; not run on the team server")


def pytest_generate_tests(metafunc):
    if "db" not in metafunc.fixturenames:
        return
    kinds = ["sqlite"]
    if os.environ.get(ENV) and metafunc.definition.get_closest_marker("sqlite_only") is None:
        kinds.append("postgres")
    metafunc.parametrize("db", kinds, indirect=True)

