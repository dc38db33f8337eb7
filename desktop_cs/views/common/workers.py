"""Run a function off the UI thread and get its result back on the main thread by signal; stale results are dropped."""
from __future__ import annotations

import logging
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)


def _close_thread_connection() -> None:
    """Close the database connection peewee opened for the current (worker) thread, if any.

    peewee's SqliteDatabase keeps one connection per thread and opens it on first use; a
    pool thread lives on after the job, so its connection is closed when the job ends.
    """
    from desktop_cs.services.database import close_app_database
    close_app_database()


class _Relay(QObject):
    """Carries one job's outcome from the worker thread to the main thread (queued connection)."""

    done = Signal(int, bool, object)   # token, succeeded, result or exception


class _Job(QRunnable):
    def __init__(self, token: int, fn: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.token = token
        self.fn = fn
        self.relay = relay

    def run(self) -> None:
        try:
            result = self.fn()
        except BaseException as exc:  # noqa: BLE001 - handed to the main thread, which decides
            outcome: tuple[bool, object] = (False, exc)
        else:
            outcome = (True, result)
        finally:
            try:
                _close_thread_connection()
            except Exception:  # noqa: BLE001 - closing must not hide the job's own outcome
                log.exception("closing the worker thread's database connection failed")
        self.relay.done.emit(self.token, *outcome)


class LatestOnlyWorker(QObject):
    """Runs one kind of job (e.g. "count the matches") in the background, only the newest one counting.

    ``submit(fn)`` replaces whatever was asked before: a job not yet started is dropped, a
    job already running finishes but its result is discarded. ``resultReady`` carries the
    result of the newest job, ``failed`` its exception; both arrive on the main thread.
    At most one job runs at a time, so a burst of keystrokes costs one query, not ten.
    """

    resultReady = Signal(object)
    failed = Signal(object)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)   # created after the pool, so deleted after it has waited
        self._relay.done.connect(self._finished)
        self._token = 0
        self._running: _Job | None = None
        self._pending: _Job | None = None

    @property
    def busy(self) -> bool:
        """A job is running or waiting to run."""
        return self._running is not None or self._pending is not None

    def submit(self, fn: Callable[[], Any]) -> int:
        """Run FN (no arguments) in the background; earlier jobs' results will be discarded."""
        self._token += 1
        job = _Job(self._token, fn, self._relay)
        job.setAutoDelete(False)      # Python keeps the job until its result is in
        if self._running is None:
            self._start(job)
        else:
            self._pending = job
        return self._token

    def cancel(self) -> None:
        """Forget every job asked so far: a running one's result is dropped, a waiting one never runs."""
        self._token += 1
        self._pending = None

    def wait(self, msecs: int = -1) -> bool:
        """Block until the running job ends (for shutdown and tests); True when nothing is left running."""
        return self._pool.waitForDone(msecs)

    def _start(self, job: _Job) -> None:
        self._running = job
        self._pool.start(job)

    @Slot(int, bool, object)
    def _finished(self, token: int, succeeded: bool, result: object) -> None:
        self._running = None
        if self._pending is not None:
            job, self._pending = self._pending, None
            self._start(job)
        if token != self._token:
            return                    # stale: a newer job was asked for
        if succeeded:
            self.resultReady.emit(result)
        else:
            self.failed.emit(result)
