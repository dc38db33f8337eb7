"""The main window's data safety: File-menu commands (Import, Export, Backup now, Restore, Backup settings), the
banner (read-only after damage, network drive), the start-up check and the automatic backups.

Everything slow (the quick_check, backups, finding a good backup) runs off the UI thread.
The main window creates one ``DataActions``; ``app.run_gui`` calls ``start`` once the
window shows and ``backup_on_exit`` when the event loop ends.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (QApplication, QHBoxLayout, QLabel, QMainWindow, QMenu, QMessageBox, QPushButton,
                               QToolBar, QWidget)

from desktop_cs.i18n import _
from desktop_cs.services import backups
from desktop_cs.services import database as app_database
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import BACKUP_RESTORE, EXPORT, IMPORT, allowed
from desktop_cs.views.common.workers import LatestOnlyWorker

if TYPE_CHECKING:
    from desktop_cs.models import User

log = logging.getLogger(__name__)

#: the exit code that makes ``run_gui`` open the database and sign in again (after a restore)
RESTART_EXIT_CODE = 75
AUTO_BACKUP_MS = backups.AUTO_INTERVAL_MINUTES * 60 * 1000
DAMAGE_COLOR = "#fdecea"
NOTICE_COLOR = "#fff8e1"


class DataActions(QObject):
    """Import / export / backup / restore commands of one main window, its banner, start-up check and timers."""

    def __init__(self, window: QMainWindow, user: User):
        super().__init__(window)
        self.setObjectName("dataActions")
        self.window = window
        self.user = user
        self.newest_good: backups.BackupInfo | None = None
        self.last_check: backups.CheckReport | None = None
        self.last_backup: backups.BackupInfo | None = None

        self.check_worker = LatestOnlyWorker(self)
        self.check_worker.resultReady.connect(self._checked)
        self.check_worker.failed.connect(self._check_failed)
        self.good_worker = LatestOnlyWorker(self)
        self.good_worker.resultReady.connect(self._found_good)
        self.good_worker.failed.connect(lambda error: log.warning("looking for a good backup failed: %s", error))
        self.backup_worker = LatestOnlyWorker(self)
        self.backup_worker.resultReady.connect(self._backed_up)
        self.backup_worker.failed.connect(self._backup_failed)
        self._manual = False
        self.auto_timer = QTimer(self)
        self.auto_timer.setObjectName("autoBackupTimer")
        self.auto_timer.setInterval(AUTO_BACKUP_MS)
        self.auto_timer.timeout.connect(self.auto_backup)

        self._build_actions()
        self._build_banner()
        window.installEventFilter(self)

    # -- menu ------------------------------------------------------------------------------------
    def _action(self, text: str, name: str, slot, permission: str) -> QAction:
        action = QAction(text, self.window)
        action.setObjectName(name)
        action.triggered.connect(slot)
        action.setEnabled(allowed(self.user, permission))
        return action

    def _build_actions(self) -> None:
        self.import_action = self._action(_("&Import customers…"), "importAction", self.import_customers, IMPORT)
        self.export_action = self._action(_("&Export…"), "exportAction", self.export_data, EXPORT)
        self.backup_action = self._action(_("&Backup now"), "backupNowAction", self.backup_now, BACKUP_RESTORE)
        self.restore_action = self._action(_("&Restore…"), "restoreAction", self.restore, BACKUP_RESTORE)
        self.settings_action = self._action(_("Backup se&ttings…"), "backupSettingsAction", self.backup_settings,
                                            BACKUP_RESTORE)
        menu = self.window.findChild(QMenu, "fileMenu")
        if menu is None:
            return
        # before the program's own settings (after the File menu's work commands, if any)
        first = next((a for a in menu.actions() if a.objectName() == "settingsAction"),
                     menu.actions()[0] if menu.actions() else None)
        for action in (self.import_action, self.export_action):
            menu.insertAction(first, action)
        menu.insertSeparator(first)
        for action in (self.backup_action, self.restore_action, self.settings_action):
            menu.insertAction(first, action)
        menu.insertSeparator(first)

    # -- banner ----------------------------------------------------------------------------------
    def _build_banner(self) -> None:
        self.banner = QToolBar(self.window)
        self.banner.setObjectName("dataBanner")
        self.banner.setMovable(False)
        self.banner.setFloatable(False)
        self.banner.toggleViewAction().setVisible(False)
        self.banner_label = QLabel()
        self.banner_label.setObjectName("dataBannerLabel")
        self.banner_label.setWordWrap(True)
        self.banner_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner_button = QPushButton()
        self.banner_button.setObjectName("restoreNewestButton")
        self.banner_button.clicked.connect(self.restore_newest)
        self.banner_button.hide()
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.banner_label, 1)
        row.addWidget(self.banner_button)
        self.banner.addWidget(holder)
        self.window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.banner.hide()

    def _show_banner(self, text: str, color: str) -> None:
        self.banner_label.setText(text)
        self.banner.setStyleSheet(f"QToolBar#dataBanner {{ background: {color}; border: none; }}")
        self.banner.show()

    # -- start-up: network notice and quick_check --------------------------------------------------
    def start(self) -> None:
        """After the first paint: say when the data folder is on a network drive, run the quick_check off the UI
        thread, start the automatic backups."""
        notice = app_database.network_notice()
        if notice:
            self._show_banner(notice, NOTICE_COLOR)
        self.check_worker.submit(backups.startup_check)
        self.auto_timer.start()

    def _checked(self, report: backups.CheckReport) -> None:
        self.last_check = report
        if report.ok:
            log.info("start-up check: ok in %.2f s", report.seconds)
            return
        log.error("start-up check found damage: %s", report.problems[:10])
        self.enter_read_only(report.problems[0] if report.problems else "")

    def _check_failed(self, error: BaseException) -> None:
        log.error("start-up check could not run: %s", error)
        self.enter_read_only(str(error))

    def enter_read_only(self, detail: str) -> None:
        """Switch the database to read-only, say so plainly, and look for the newest good backup to offer."""
        app_database.switch_to_read_only(_("the check at start-up found damage in the database file ({detail}).")
                                         .format(detail=detail[:200]))
        self.auto_timer.stop()
        for action in (self.import_action, self.backup_action):
            action.setEnabled(False)
        self._show_banner(_("The database is damaged, so the program is now READ-ONLY: you can look things up, but "
                            "nothing can be saved. Looking for the newest good backup…"), DAMAGE_COLOR)
        self.good_worker.submit(backups.newest_good_backup)

    def _found_good(self, info: backups.BackupInfo | None) -> None:
        self.newest_good = info
        text = _("The database is damaged, so the program is now READ-ONLY: you can look things up, but nothing "
                 "can be saved.")
        if info is None:
            text += " " + _("No good backup was found in the backups folder: choose one from a USB disk or network "
                            "folder (File → Restore…), or call for help.")
        elif allowed(self.user, BACKUP_RESTORE):
            text += " " + _("The newest good backup is from {when}.").format(
                when=info.created_at.strftime("%Y-%m-%d %H:%M"))
            self.banner_button.setText(_("Restore it…"))
            self.banner_button.show()
        else:
            text += " " + _("Ask a supervisor to restore the newest good backup (from {when}).").format(
                when=info.created_at.strftime("%Y-%m-%d %H:%M"))
        self._show_banner(text, DAMAGE_COLOR)

    def restore_newest(self) -> None:
        if self.newest_good is not None:
            self.restore(self.newest_good.path)

    # -- commands ----------------------------------------------------------------------------------
    def _current_query(self):
        """The archive's current filter when the customer archive is the tab in front (else None)."""
        tabs = getattr(self.window, "tabs", None)
        current = tabs.currentWidget() if tabs is not None else None
        if current is not None and current.objectName() == "customersTab" and hasattr(current, "current_query"):
            return current.current_query()
        return None

    def import_customers(self) -> None:
        from desktop_cs.views.import_wizard import ImportWizard
        report = ImportWizard.ask(self.user, self.window)
        if report is not None and report.changed:
            self._status(report.summary())

    def export_data(self) -> None:
        from desktop_cs.views.export_dialog import ExportDialog, exported_message
        result = ExportDialog.ask(self.user, self.window, self._current_query())
        if result is not None:
            self._status(exported_message(result))

    def backup_now(self) -> None:
        if self.backup_worker.busy:
            return
        self._manual = True
        actor = self.user
        self._status(_("Backing up…"))
        self.backup_worker.submit(lambda: backups.backup(actor))

    def auto_backup(self) -> None:
        """Every 30 minutes: a backup if data changed since the last one (off the UI thread)."""
        if app_database.is_read_only() or self.backup_worker.busy:
            return
        self._manual = False
        self.backup_worker.submit(lambda: backups.backup_if_changed("auto"))

    def _backed_up(self, info: backups.BackupInfo | None) -> None:
        manual, self._manual = self._manual, False
        if info is None:
            return
        self.last_backup = info
        message = _("Backed up at {time}: {file}").format(time=info.created_at.strftime("%H:%M"), file=info.path.name)
        if info.second_copy_error:
            message += " — " + info.second_copy_error
        self._status(message)
        if manual and info.second_copy_error:
            QMessageBox.warning(self.window, _("Backup"), info.second_copy_error)

    def _backup_failed(self, error: BaseException) -> None:
        manual, self._manual = self._manual, False
        message = error.message if isinstance(error, ServiceError) else _("The backup failed: {error}").format(
            error=error)
        log.error("backup failed: %s", error)
        self._status(message)
        if manual:
            QMessageBox.critical(self.window, _("Backup"), message)

    def restore(self, preselect=None) -> None:
        from desktop_cs.views.backup_dialogs import RestoreDialog
        result = RestoreDialog.ask(self.user, self.window, preselect)
        if result is None:
            return
        QMessageBox.information(self.window, _("Restore a backup"), _(
            "The backup was restored. The program now reopens on the restored data: sign in again."))
        QApplication.exit(RESTART_EXIT_CODE)

    def backup_settings(self) -> None:
        from desktop_cs.views.backup_dialogs import BackupSettingsDialog
        if BackupSettingsDialog.ask(self.user, self.window):
            self._status(_("The backup settings were saved."))

    def _status(self, message: str) -> None:
        bar = self.window.statusBar()
        if bar is not None:
            bar.showMessage(message, 10_000)

    # -- closing -----------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.shutdown()
        return False

    def shutdown(self) -> None:
        """Stop the timer and wait for running checks and backups (a backup is never cut off)."""
        self.auto_timer.stop()
        for worker in (self.check_worker, self.good_worker, self.backup_worker):
            worker.cancel()
            worker.wait(120_000)

    def backup_on_exit(self) -> None:
        """When the program closes: a backup if data changed (quick_check; errors are logged, never shown)."""
        if app_database.is_read_only():
            return
        try:
            info = backups.backup_on_exit()
            if info is not None:
                log.info("backup at exit: %s", info.path.name)
        except Exception:  # noqa: BLE001 - closing must not fail on a backup
            log.exception("backup at exit failed")
