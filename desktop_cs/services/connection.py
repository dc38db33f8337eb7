"""Which database this PC uses: the built-in SQLite file (default) or a team PostgreSQL server.

The choice lives in ``connection.json`` in the data folder (no Qt: the command line reads it
too). ``--database URL`` or ``$DESKTOP_CS_DATABASE`` override it for one run. The server's
password goes to the operating system's keyring when one works (Windows Credential Locker,
macOS Keychain, Secret Service); otherwise into connection.json, and ``password_warning``
says so.
"""
from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urlsplit

from desktop_cs import paths
from desktop_cs.i18n import _
from desktop_cs.services.errors import FormErrors

log = logging.getLogger(__name__)

DATABASE_ENV = "DESKTOP_CS_DATABASE"
CONFIG_FILE = "connection.json"
KEYRING_SERVICE = "desktop_cs team server"
DEFAULT_PORT = 5432

_override: str | None = None


@dataclass
class TeamServer:
    """Where the team's PostgreSQL server is and who signs in to it."""

    host: str = ""
    port: int = DEFAULT_PORT
    database: str = "desktop_cs"
    user: str = ""
    password: str = field(default="", repr=False)

    def url(self) -> str:
        """The URL psycopg connects to (password included: never log it; see ``redact_url``)."""
        auth = quote(self.user, safe="")
        if self.password:
            auth += ":" + quote(self.password, safe="")
        return f"postgresql://{auth}@{self.host}:{int(self.port)}/{quote(self.database, safe='')}"

    @classmethod
    def from_url(cls, url: str) -> "TeamServer":
        parts = urlsplit(url)
        return cls(host=parts.hostname or "", port=parts.port or DEFAULT_PORT,
                   database=unquote(parts.path.strip("/")), user=unquote(parts.username or ""),
                   password=unquote(parts.password or ""))

    def validate(self) -> None:
        """FormErrors naming each field that is wrong (host, port, database, user)."""
        errors = {}
        if not self.host.strip():
            errors["host"] = _("Enter the server's name or IP address.")
        if not 1 <= int(self.port or 0) <= 65535:
            errors["port"] = _("The port is a number from 1 to 65535 (PostgreSQL uses 5432).")
        if not self.database.strip():
            errors["database"] = _("Enter the database name.")
        if not self.user.strip():
            errors["user"] = _("Enter the database user name.")
        if errors:
            raise FormErrors(errors)


def set_override(url: str | None) -> None:
    """Use URL for this process (``--database URL``); None returns to the saved choice."""
    global _override
    _override = url or None


def _config_path():
    return paths.data_dir() / CONFIG_FILE


def _read_config() -> dict:
    try:
        data = json.loads(_config_path().read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError):
        log.warning("ignoring an unreadable %s", _config_path(), exc_info=True)
        return {}
    return data if isinstance(data, dict) else {}


def _keyring():
    """The keyring module when a real (not the 'fail' or plaintext) backend is available, else None."""
    try:
        import keyring
        from keyring.backends import fail
    except Exception:  # noqa: BLE001 - no keyring at all: fall back to the file
        return None
    try:
        backend = keyring.get_keyring()
    except Exception:  # noqa: BLE001
        return None
    if isinstance(backend, fail.Keyring) or "chainer" in type(backend).__module__ and not backend.backends:
        return None
    if getattr(backend, "priority", 0) <= 0:
        return None
    return keyring


def saved_team_server() -> TeamServer | None:
    """The team server saved on this PC (password filled in from the keyring), or None for the built-in database."""
    data = _read_config()
    if data.get("mode") != "team":
        return None
    server = TeamServer(host=str(data.get("host", "")), port=int(data.get("port", DEFAULT_PORT) or DEFAULT_PORT),
                        database=str(data.get("database", "")), user=str(data.get("user", "")),
                        password=str(data.get("password", "")))
    if data.get("password_in") == "keyring":
        kr = _keyring()
        if kr is not None:
            try:
                server.password = kr.get_password(KEYRING_SERVICE, f"{server.user}@{server.host}") or ""
            except Exception:  # noqa: BLE001 - a locked keyring: sign-in to the server then fails clearly
                log.warning("cannot read the team server password from the keyring", exc_info=True)
    return server


def password_warning() -> str:
    """The sentence shown when the server password can only be kept in the settings file ("" with a keyring)."""
    if _keyring() is not None:
        return ""
    return _("This PC has no password store (keyring): the server password is kept in the settings file of the "
             "data folder. Only use a database account made for this program.")


def save_team_server(server: TeamServer) -> str:
    """Remember SERVER as this PC's database; return where the password went ('keyring' or 'file')."""
    server.validate()
    data = {"mode": "team", "host": server.host.strip(), "port": int(server.port),
            "database": server.database.strip(), "user": server.user.strip()}
    kr = _keyring()
    stored = "file"
    if kr is not None:
        try:
            kr.set_password(KEYRING_SERVICE, f"{data['user']}@{data['host']}", server.password)
            stored = "keyring"
        except Exception:  # noqa: BLE001 - keyring refused: keep it in the file, with the warning
            log.warning("the keyring refused the team server password; keeping it in %s", CONFIG_FILE, exc_info=True)
    if stored == "file":
        data["password"] = server.password
    data["password_in"] = stored
    _write_config(data)
    return stored


def use_this_pc() -> None:
    """Go back to the built-in database of this PC (the team server's settings are forgotten)."""
    _write_config({"mode": "local"})


def _write_config(data: dict) -> None:
    paths.data_dir().mkdir(parents=True, exist_ok=True)
    target = _config_path()
    tmp = target.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    if os.name != "nt":
        os.chmod(tmp, 0o600)
    os.replace(tmp, target)


def configured_url() -> str | None:
    """The team server URL in force (``--database``, $DESKTOP_CS_DATABASE, then connection.json); None = built-in."""
    if _override:
        return _override
    env = os.environ.get(DATABASE_ENV)
    if env:
        return env
    server = saved_team_server()
    return server.url() if server is not None else None


def is_team_mode() -> bool:
    """Whether this PC works on a team server rather than its built-in database."""
    return configured_url() is not None


#: how long "Test connection" waits for the server before saying it does not answer
TEST_TIMEOUT_S = 5


def test_connection(server: TeamServer, timeout: int = TEST_TIMEOUT_S) -> str | None:
    """Try SERVER now (a short connect and ``SELECT 1``): None when it answers, else what the user reads.

    Qt-free and blocking for at most about TIMEOUT seconds: views run it off the UI thread.
    Raises FormErrors when SERVER's fields are incomplete (as ``TeamServer.validate``).
    """
    server.validate()
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency; a broken install says so
        return _("This copy of the program cannot talk to a team server (the PostgreSQL driver is missing).")
    try:
        with psycopg.connect(host=server.host.strip(), port=int(server.port), dbname=server.database.strip(),
                             user=server.user.strip(), password=server.password, connect_timeout=max(1, timeout),
                             application_name="desktop_cs (test)") as conn:
            conn.execute("SELECT 1").fetchone()
    except Exception as exc:  # noqa: BLE001 - every failure becomes a sentence, never a traceback
        log.info("team server test failed for %s:%s/%s: %s", server.host, server.port, server.database, exc)
        return connection_failure_message(server, exc)
    return None


def connection_failure_message(server: TeamServer, exc: BaseException) -> str:
    """What a failed connection to SERVER means, in words the user can act on (and the server's own detail)."""
    detail = " ".join(str(exc).split())
    text = detail.lower()
    where = f"{server.host.strip()}:{int(server.port)}"
    if "password authentication failed" in text or "no password supplied" in text or "28p01" in text:
        message = _("The server refused the user name or password. Check both (the password is case-sensitive).")
    elif "does not exist" in text and "database" in text:
        message = _("The server has no database named “{name}”. Check the name, or ask whoever looks after the "
                    "server to create it (empty: the program sets it up).").format(name=server.database.strip())
    elif "role" in text and "does not exist" in text:
        message = _("The server has no user named “{user}”. Check the user name.").format(user=server.user.strip())
    elif "resolve host" in text or "name or service not known" in text or "nodename nor servname" in text \
            or "no such host" in text or "temporary failure in name resolution" in text:
        message = _("No computer named “{host}” was found on the network. Check the server's name, or enter its "
                    "IP address.").format(host=server.host.strip())
    elif "refused" in text:
        message = _("Nothing answers at {where}: check the address and the port, and that the database server is "
                    "running and accepts connections from the network.").format(where=where)
    elif "timeout" in text or "timed out" in text:
        message = _("The server at {where} did not answer in time: check the network, the address and any "
                    "firewall.").format(where=where)
    elif "pg_hba" in text or "no encryption" in text:
        message = _("The server does not accept connections from this PC (pg_hba.conf): ask whoever looks after "
                    "the server to allow it.")
    else:
        message = _("The connection to the team server failed.")
    if detail:
        message += "\n" + _("(Details: {detail})").format(detail=detail[:300])
    return message


def override_in_force() -> bool:
    """Whether this run's database comes from ``--database`` or $DESKTOP_CS_DATABASE rather than the saved choice."""
    return bool(_override or os.environ.get(DATABASE_ENV))
