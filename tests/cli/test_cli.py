"""The command line: global options, usage errors (exit 2), refusals (exit 1), create-user, data folder override."""
from __future__ import annotations

import pytest

from desktop_cs import paths
from desktop_cs.cli import main
from desktop_cs.models import User
from desktop_cs.models import db as dbmod


@pytest.fixture
def run(monkeypatch, capsys):
    def _run(*argv, password=None, new_password=None):
        monkeypatch.delenv("DESKTOP_CS_PASSWORD", raising=False)
        monkeypatch.delenv("DESKTOP_CS_NEW_PASSWORD", raising=False)
        if password:
            monkeypatch.setenv("DESKTOP_CS_PASSWORD", password)
        if new_password:
            monkeypatch.setenv("DESKTOP_CS_NEW_PASSWORD", new_password)
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err
    return _run


def _users_in(folder):
    dbmod.open_database(folder / paths.DATABASE_FILE)
    try:
        return sorted((u.login, u.role) for u in User.select())
    finally:
        dbmod.close_database()


def test_help_lists_the_commands_in_chinese(run):
    code, out, _ = run("--help")
    assert code == 0
    for command in ("smoke", "create-user", "demo-data"):
        assert command in out
    assert "用法" in out          # argparse's own "usage:" translated too


@pytest.mark.parametrize("argv", [
    ("no-such-command",),
    ("create-user",),                                   # NAME missing
    ("create-user", "bob"),                             # --role missing
    ("create-user", "bob", "--role", "king"),           # bad choice
    ("demo-data",),                                     # --customers missing
    ("demo-data", "--customers", "many"),
    ("demo-data", "--customers", "0"),
    ("--lang", "fr", "smoke"),
    ("smoke", "--bogus"),
])
def test_wrong_usage_exits_2_with_a_message(run, argv):
    code, out, err = run(*argv)
    assert code == 2
    assert err.strip()


def test_create_first_user_without_sign_in_then_needs_a_supervisor(run, tmp_path):
    folder = tmp_path / "elsewhere"
    code, out, err = run("--data-dir", str(folder), "create-user", "boss", "--role", "supervisor",
                         "--company", "华信", password="boss-pass-1")
    assert code == 0, err
    assert "boss" in out
    assert (folder / paths.DATABASE_FILE).exists()      # the --data-dir override was used
    # A second account now needs a signed-in supervisor.
    code, out, err = run("--data-dir", str(folder), "create-user", "amy", "--role", "specialist",
                         password="amy-pass-123")
    assert code == 1 and "--user" in err
    code, out, err = run("--data-dir", str(folder), "--user", "boss", "create-user", "amy", "--role",
                         "specialist", password="boss-pass-1", new_password="amy-pass-123")
    assert code == 0, err
    # A specialist may not create accounts.
    code, out, err = run("--data-dir", str(folder), "--user", "amy", "create-user", "zed", "--role",
                         "specialist", password="amy-pass-123", new_password="zed-pass-123")
    assert code == 1 and err.strip()
    assert _users_in(folder) == [("amy", "specialist"), ("boss", "supervisor")]


def test_wrong_password_is_refused_with_exit_1(run, tmp_path):
    folder = tmp_path / "d"
    assert run("--data-dir", str(folder), "create-user", "boss", "--role", "supervisor",
               password="boss-pass-1")[0] == 0
    code, out, err = run("--data-dir", str(folder), "--user", "boss", "create-user", "amy", "--role",
                         "specialist", password="nope-nope", new_password="amy-pass-123")
    assert code == 1 and err.strip()
    assert "Traceback" not in err


def test_short_password_is_refused(run, tmp_path):
    code, out, err = run("--data-dir", str(tmp_path / "d"), "create-user", "boss", "--role", "supervisor",
                         password="short")
    assert code == 1 and "8" in err


def test_english_messages_with_lang_en(run):
    code, out, _ = run("--lang", "en", "--help")
    assert code == 0 and "usage:" in out


def test_data_dir_from_environment(run, tmp_path, monkeypatch):
    folder = tmp_path / "from-env"
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(folder))
    paths.set_data_dir(None)
    assert run("create-user", "boss", "--role", "supervisor", password="boss-pass-1")[0] == 0
    assert (folder / paths.DATABASE_FILE).exists()
