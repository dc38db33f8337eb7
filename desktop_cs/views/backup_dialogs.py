"""File → Restore… and File → Backup settings…: picking a backup (its date and counts shown) to restore, and the
retention and encrypted second copy."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QAbstractItemView, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QMessageBox, QProgressBar, QPushButton, QSpinBox,
                               QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_cs.i18n import N_, _
from desktop_cs.services import backups
from desktop_cs.services.errors import FormErrors as FormErrorsError
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import (FieldError, FormErrors, explanation, field_with_error, password_edit,
                                     text_width)
from desktop_cs.views.common.workers import LatestOnlyWorker

if TYPE_CHECKING:
    from desktop_cs.models import User

REASONS = {"manual": N_("by hand"), "auto": N_("automatic"), "exit": N_("at exit"),
           "before-import": N_("before an import"), "before-restore": N_("before a restore"),
           "before-migration": N_("before an update")}
COUNT_LABELS = {"live_customers": N_("customers"), "callback": N_("callbacks"), "complaint": N_("complaints"),
                "points_entry": N_("points entries"), "user": N_("users")}


def reason_label(reason: str) -> str:
    return _(REASONS[reason]) if reason in REASONS else reason


def counts_text(counts: dict) -> str:
    parts = [f"{_(label)} {counts[key]:,}" for key, label in COUNT_LABELS.items() if key in counts]
    if "points_outstanding" in counts:
        parts.append(_("points outstanding {n}").format(n=f"{counts['points_outstanding']:,}"))
    return "，".join(parts)


class RestoreDialog(QDialog):
    """Lists the backups (or takes another file), shows the chosen one's date and counts, and restores it once
    confirmed; the current database is backed up first."""

    def __init__(self, actor: User, parent: QWidget | None = None, preselect: str | Path | None = None):
        super().__init__(parent)
        self.setObjectName("restoreDialog")
        self.setWindowTitle(_("Restore a backup"))
        self.actor = actor
        self.result_: backups.RestoreResult | None = None
        self.details: backups.BackupDetails | None = None
        self.chosen: Path | None = None
        self._job = ""
        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._job_done)
        self.worker.failed.connect(self._job_failed)

        self.table = QTableWidget(0, 4)
        self.table.setObjectName("backupTable")
        self.table.setHorizontalHeaderLabels([_("Made"), _("Why"), _("Size"), _("Checked")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self._selected)
        self.backups = backups.list_backups()
        self.table.setRowCount(len(self.backups))
        for row, info in enumerate(self.backups):
            cells = [info.created_at.strftime("%Y-%m-%d %H:%M:%S"), reason_label(info.reason),
                     f"{info.size / 1e6:.1f} MB",
                     {"integrity": _("fully"), "quick": _("quickly")}.get(info.checked, "—")]
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        other = QPushButton(_("Other file (USB disk, network folder)…"))
        other.setObjectName("otherFileButton")
        other.clicked.connect(self.choose_file)
        self.passphrase_edit = password_edit("restorePassphraseEdit")
        self.passphrase_edit.setPlaceholderText(_("passphrase of an encrypted copy"))
        self.passphrase_edit.returnPressed.connect(self.inspect)
        self.passphrase_row = QWidget()
        prow = QHBoxLayout(self.passphrase_row)
        prow.setContentsMargins(0, 0, 0, 0)
        prow.addWidget(QLabel(_("Passphrase:")))
        prow.addWidget(self.passphrase_edit, 1)
        open_button = QPushButton(_("Open"))
        open_button.setObjectName("openEncryptedButton")
        open_button.clicked.connect(self.inspect)
        prow.addWidget(open_button)
        self.passphrase_row.hide()
        self.details_label = QLabel(_("Choose a backup."))
        self.details_label.setObjectName("backupDetailsLabel")
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setObjectName("restoreProgress")
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.error = FieldError("restoreError")

        buttons = QDialogButtonBox()
        self.restore_button = buttons.addButton(_("Restore…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setObjectName("restoreButton")
        self.restore_button.setEnabled(False)
        self.restore_button.clicked.connect(self.restore)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancelButton")
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Restoring replaces everything in the database with the backup. The current "
                                       "database is backed up first, and the program reopens on the restored "
                                       "data."), "restoreExplanation"))
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        row.addWidget(other)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(self.passphrase_row)
        layout.addWidget(self.details_label)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(text_width(self, 80), text_width(self, 50))
        if preselect:
            self.choose(Path(preselect))
        elif self.backups:
            self.table.selectRow(0)

    def _selected(self) -> None:
        rows = {i.row() for i in self.table.selectedIndexes()}
        if rows:
            self.choose(self.backups[min(rows)].path)

    def choose_file(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose a backup"), "", _("Backups ({patterns})").format(
            patterns="*.sqlite3 *.dcsbak"))
        if name:
            self.table.clearSelection()
            self.choose(Path(name))

    def choose(self, path: Path) -> None:
        """Show PATH's date and counts (read off the UI thread); an encrypted copy asks for its passphrase."""
        from desktop_cs.services import backup_crypto
        self.chosen = path
        self.details = None
        self.restore_button.setEnabled(False)
        self.error.clear_message()
        encrypted = backup_crypto.is_encrypted(path)
        self.passphrase_row.setVisible(encrypted)
        if encrypted and not self.passphrase_edit.text():
            self.details_label.setText(_("{name} is encrypted: enter its passphrase.").format(name=path.name))
            self.passphrase_edit.setFocus()
            return
        self.inspect()

    def inspect(self) -> None:
        if self.chosen is None:
            return
        path, passphrase = self.chosen, self.passphrase_edit.text() or None
        self.details_label.setText(_("Reading {name}…").format(name=path.name))
        self._start("inspect", lambda: backups.inspect_backup(path, passphrase))

    def _start(self, job: str, fn) -> None:
        self._job = job
        self.progress.setVisible(job == "restore")
        self.worker.submit(fn)

    def wait(self, msecs: int = 60_000) -> bool:
        return self.worker.wait(msecs)

    def _job_done(self, result: object) -> None:
        job, self._job = self._job, ""
        self.progress.hide()
        if job == "inspect":
            details: backups.BackupDetails = result  # type: ignore[assignment]
            if details.path != self.chosen:
                return
            self.details = details
            when = details.created_at.strftime("%Y-%m-%d %H:%M:%S") if details.created_at else "?"
            text = _("{name}\nMade {when} ({why}); {size:.1f} MB.\nIt holds: {counts}.").format(
                name=details.path.name, when=when, why=reason_label(details.reason) or "—",
                size=details.size / 1e6, counts=counts_text(details.counts))
            if not details.ok:
                text += "\n" + details.problem
            self.details_label.setText(text)
            self.restore_button.setEnabled(details.ok)
        elif job == "restore":
            self.result_ = result  # type: ignore[assignment]
            self.accept()

    def _job_failed(self, error: BaseException) -> None:
        job, self._job = self._job, ""
        self.progress.hide()
        self.cancel_button.setEnabled(True)
        self.restore_button.setEnabled(job == "restore" and self.details is not None and self.details.ok)
        message = error.message if isinstance(error, ServiceError) else _("It failed: {error}").format(error=error)
        if job == "inspect":
            self.details_label.setText("")
        self.error.show_message(message)

    def confirm(self) -> bool:
        """Ask before replacing the database (tests patch this)."""
        assert self.details is not None
        when = self.details.created_at.strftime("%Y-%m-%d %H:%M") if self.details.created_at else "?"
        return QMessageBox.question(
            self, _("Restore a backup"),
            _("Replace everything in the database with the backup of {when}?\n\nChanges made since then are not in "
              "it. The current database is backed up first.").format(when=when),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel) == QMessageBox.StandardButton.Yes

    def restore(self) -> None:
        if self.details is None or not self.details.ok or not self.confirm():
            return
        actor, path, passphrase = self.actor, self.details.path, self.passphrase_edit.text() or None
        self.restore_button.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self._start("restore", lambda: backups.restore(actor, path, passphrase))

    def reject(self) -> None:
        if self._job == "restore":
            return      # a restore is not stopped halfway
        self.worker.wait(30_000)
        super().reject()

    @classmethod
    def ask(cls, actor: User, parent: QWidget | None = None,
            preselect: str | Path | None = None) -> backups.RestoreResult | None:
        """Show the dialog; the restore made, or None."""
        dialog = cls(actor, parent, preselect)
        dialog.exec()
        return dialog.result_


class BackupSettingsDialog(QDialog):
    """How many backups are kept, and the folder and passphrase of the encrypted second copy."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("backupSettingsDialog")
        self.setWindowTitle(_("Backup settings"))
        self.actor = actor
        current = backups.load_settings()

        def spin(name: str, value: int, top: int) -> QSpinBox:
            box = QSpinBox()
            box.setObjectName(name)
            box.setRange(0, top)
            box.setValue(value)
            return box

        self.daily_spin = spin("dailySpin", current.daily, 90)
        self.weekly_spin = spin("weeklySpin", current.weekly, 104)
        self.monthly_spin = spin("monthlySpin", current.monthly, 240)
        self.folder_edit = QLineEdit(current.second_folder)
        self.folder_edit.setObjectName("secondFolderEdit")
        self.folder_edit.setPlaceholderText(_("none: backups stay on this PC only"))
        browse = QPushButton(_("Choose…"))
        browse.setObjectName("secondFolderBrowseButton")
        browse.clicked.connect(self.browse)
        folder_row = QWidget()
        frow = QHBoxLayout(folder_row)
        frow.setContentsMargins(0, 0, 0, 0)
        frow.addWidget(self.folder_edit, 1)
        frow.addWidget(browse)
        self.passphrase_edit = password_edit("passphraseEdit")
        self.passphrase_edit.setPlaceholderText(
            _("unchanged") if current.key else _("at least {n} characters").format(n=8))
        self.repeat_edit = password_edit("passphraseRepeatEdit")

        errors = {name: FieldError(f"{name}Error") for name in ("daily", "weekly", "monthly", "second_folder",
                                                               "passphrase", "repeat")}
        self.general_error = FieldError("backupSettingsError")
        self.errors = FormErrors(self.general_error, {
            "daily": (errors["daily"], self.daily_spin), "weekly": (errors["weekly"], self.weekly_spin),
            "monthly": (errors["monthly"], self.monthly_spin),
            "second_folder": (errors["second_folder"], self.folder_edit),
            "passphrase": (errors["passphrase"], self.passphrase_edit), "repeat": (errors["repeat"], self.repeat_edit)})
        self._field_errors = errors

        form = QFormLayout()
        form.addRow(_("Daily backups kept:"), field_with_error(self.daily_spin, errors["daily"]))
        form.addRow(_("Weekly backups kept:"), field_with_error(self.weekly_spin, errors["weekly"]))
        form.addRow(_("Monthly backups kept:"), field_with_error(self.monthly_spin, errors["monthly"]))
        form.addRow(_("Second copy in:"), field_with_error(folder_row, errors["second_folder"]))
        form.addRow(_("Passphrase:"), field_with_error(self.passphrase_edit, errors["passphrase"]))
        form.addRow(_("Passphrase again:"), field_with_error(self.repeat_edit, errors["repeat"]))

        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Backups are made every 30 minutes while data changes, when the program "
                                       "closes, and before every import, restore and update. A second copy on a USB "
                                       "disk or network folder is encrypted with the passphrase: without it nobody "
                                       "can open the copy, you included, so keep it safe."), "backupExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.general_error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 72))

    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder of the second copy"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def save(self) -> None:
        self.errors.clear()
        for label in self._field_errors.values():
            label.clear_message()
        try:
            backups.save_settings(self.actor, self.daily_spin.value(), self.weekly_spin.value(),
                                  self.monthly_spin.value(), self.folder_edit.text(),
                                  self.passphrase_edit.text() or None, self.repeat_edit.text() or None)
        except FormErrorsError as error:
            for name, message in error.errors.items():
                if name in self._field_errors:
                    self._field_errors[name].show_message(message)
                else:
                    self.general_error.show_message(message)
            return
        except ServiceError as error:
            self.errors.show(error.message, getattr(error, "field", None))
            return
        self.accept()

    @classmethod
    def ask(cls, actor: User, parent: QWidget | None = None) -> bool:
        return cls(actor, parent).exec() == QDialog.DialogCode.Accepted
