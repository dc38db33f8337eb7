"""Changes made on other PCs, as the team server announces them (PostgreSQL LISTEN/NOTIFY; no Qt).

Migration 6 makes the server send a notice naming the table (``callback``, ``complaint``)
whenever a transaction that wrote it commits. ``ChangeListener`` keeps its own connection,
listens, and hands each table name to a callback, on its own thread (notices of this program's
own connections are skipped: its views know already); after a lost connection it reconnects
by itself. The views turn the names into their refresh signals.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

from desktop_cs.models import db as dbmod
from desktop_cs.models.migrations.m0006_change_notices import CHANNEL

log = logging.getLogger(__name__)

#: seconds between checks of the stop flag while no notice comes
POLL_S = 1.0
#: seconds to wait before connecting again after the connection was lost
RETRY_S = 5.0


class ChangeListener(threading.Thread):
    """Calls ON_CHANGE(table) for every change notice of the team server at URL until ``stop()``."""

    def __init__(self, url: str, on_change: Callable[[str], None]):
        super().__init__(name="team-server-changes", daemon=True)
        self.url = url
        self.on_change = on_change
        self._stopping = threading.Event()
        #: set once the first LISTEN is in place (tests wait for it)
        self.listening = threading.Event()

    def stop(self, timeout: float = 5.0) -> None:
        self._stopping.set()
        if self.is_alive():
            self.join(timeout)

    def run(self) -> None:
        while not self._stopping.is_set():
            try:
                self._listen()
            except Exception as exc:  # noqa: BLE001 - a lost server: wait and listen again
                log.info("change notices interrupted (%s); listening again in %.0f s", exc, RETRY_S)
                self._stopping.wait(RETRY_S)

    def _listen(self) -> None:
        database = dbmod.make_postgres_database(self.url)   # its own connection, outside the app's transactions
        database.connect()
        connection = database.connection()        # psycopg's, in autocommit mode
        try:
            connection.execute(f"LISTEN {CHANNEL}")
            self.listening.set()
            while not self._stopping.is_set():
                for notice in connection.notifies(timeout=POLL_S):
                    if notice.payload and notice.pid not in dbmod.OWN_BACKEND_PIDS:   # not our own writes
                        self.on_change(notice.payload)
                    if self._stopping.is_set():
                        break
        finally:
            database.close()
