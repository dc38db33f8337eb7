"""Team mode: the connection settings, the server URL, and that CI runs the PostgreSQL half of the suite."""
from __future__ import annotations

import json
import os

import pytest

from desktop_cs.models import db as dbmod
from desktop_cs.services import connection
from desktop_cs.services.errors import FormErrors
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
