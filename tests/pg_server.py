"""The PostgreSQL test server: one migrated template database, and a fresh copy of it for each test."""
from __future__ import annotations

import itertools
import os
from urllib.parse import urlsplit

ENV = "DESKTOP_CS_TEST_POSTGRES"


class PostgresTestServer:
    """Makes and drops throw-away databases on the server at an admin URL (a role with CREATEDB)."""

    def __init__(self, admin_url: str):
        import psycopg
        self.admin_url = admin_url
        self._admin = psycopg.connect(admin_url, autocommit=True)
        self._prefix = f"dcs_test_{os.getpid()}"
        self._numbers = itertools.count(1)
        self.template = f"{self._prefix}_template"
        self._create_template()

    @classmethod
    def from_environment(cls) -> "PostgresTestServer | None":
        url = os.environ.get(ENV)
        if not url:
            return None
        return cls(url)

    def url_for(self, name: str) -> str:
        parts = urlsplit(self.admin_url)
        return parts._replace(path="/" + name).geturl()

    def _create_template(self) -> None:
        from desktop_cs.models import db as dbmod
        from desktop_cs.models import migrations
        self._admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._admin.execute(f'CREATE DATABASE "{self.template}"')
        database = dbmod.make_postgres_database(self.url_for(self.template))
        database.connect()
        try:
            migrations.migrate(database)
        finally:
            database.close()

    def new_database(self) -> str:
        """The URL of a new database holding the migrated, empty schema."""
        name = f"{self._prefix}_{next(self._numbers)}"
        self._admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return self.url_for(name)

    def drop_database(self, url: str) -> None:
        name = urlsplit(url).path.strip("/")
        self._admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def close(self) -> None:
        self._admin.execute(f'DROP DATABASE IF EXISTS "{self.template}" WITH (FORCE)')
        self._admin.close()
