"""File → Export…: customers (the archive's current filter), callbacks, complaints or the points ledger to a folder
the supervisor chooses, under an app-made file name, off the UI thread."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QStandardPaths, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDialog, QDialogButtonBox, QFileDialog, QFormLayout, QHBoxLayout,
                               QLabel, QLineEdit, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from desktop_cs import settings
from desktop_cs.i18n import _
from desktop_cs.services import exports
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import UNMASK, allowed
from desktop_cs.views.common import FieldError, explanation, text_width
from desktop_cs.views.common.workers import LatestOnlyWorker

if TYPE_CHECKING:
    from desktop_cs.models import User
    from desktop_cs.services.customers import CustomerQuery

FOLDER_KEY = "export/folder"


class _Relay(QObject):
    progressed = Signal(int)


class ExportDialog(QDialog):
    """Chooses what to export, the format, masked or full numbers, and the folder; writes the file."""

    def __init__(self, actor: User, parent: QWidget | None = None, query: CustomerQuery | None = None,
                 kind: str = "customers"):
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(_("Export"))
        self.actor = actor
        self.query = query
        self.result_: exports.ExportResult | None = None
        self._cancel = threading.Event()
        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._done)
        self.worker.failed.connect(self._failed)
        self.relay = _Relay(self)
        self.relay.progressed.connect(self._progressed)

        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("exportKindCombo")
        for code in exports.KINDS:
            self.kind_combo.addItem(exports.kind_label(code), code)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.format_combo = QComboBox()
        self.format_combo.setObjectName("exportFormatCombo")
        self.format_combo.addItem(_("Excel workbook (.xlsx)"), "xlsx")
        self.format_combo.addItem(_("CSV, UTF-8 (.csv)"), "csv")
        self.filter_check = QCheckBox(_("Only the customers of the archive's current filter"))
        self.filter_check.setObjectName("currentFilterCheck")
        self.filter_check.setChecked(query is not None)
        self.filter_check.setEnabled(query is not None)
        self.full_check = QCheckBox(_("Full ID and mobile numbers (recorded in the audit log)"))
        self.full_check.setObjectName("fullValuesCheck")
        self.full_check.setEnabled(allowed(actor, UNMASK))
        self.folder_edit = QLineEdit()
        self.folder_edit.setObjectName("exportFolderEdit")
        self.folder_edit.setText(str(settings.qsettings().value(FOLDER_KEY) or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)))
        browse = QPushButton(_("Choose…"))
        browse.setObjectName("exportBrowseButton")
        browse.clicked.connect(self.browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(browse)
        self.file_label = QLabel()
        self.file_label.setObjectName("exportFileLabel")
        self.progress = QProgressBar()
        self.progress.setObjectName("exportProgress")
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.error = FieldError("exportError")

        form = QFormLayout()
        form.addRow(_("Export:"), self.kind_combo)
        form.addRow("", self.filter_check)
        form.addRow(_("Format:"), self.format_combo)
        form.addRow("", self.full_check)
        form.addRow(_("Folder:"), folder_row)
        form.addRow(_("File name:"), self.file_label)

        buttons = QDialogButtonBox()
        self.export_button = buttons.addButton(_("Export"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setObjectName("exportButton")
        self.export_button.setDefault(True)
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.export_button.clicked.connect(self.export)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("ID and mobile numbers are masked unless you choose full numbers. Text that a "
                                       "spreadsheet could run as a formula is written with a leading apostrophe."),
                                     "exportExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.progress)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(text_width(self, 70))
        for widget in (self.kind_combo, self.format_combo):
            widget.currentIndexChanged.connect(self._update)
        self._update()

    def kind(self) -> str:
        return self.kind_combo.currentData()

    def fmt(self) -> str:
        return self.format_combo.currentData()

    def _update(self, *_args) -> None:
        self.filter_check.setVisible(self.kind() == "customers")
        self.file_label.setText(exports.suggested_name(self.kind(), self.fmt()))

    def browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, _("Folder for the export"), self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    def export(self) -> None:
        self.error.clear_message()
        try:
            target = exports.target_in(self.folder_edit.text().strip(), self.kind(), self.fmt())
        except ServiceError as error:
            self.error.show_message(error.message)
            return
        settings.qsettings().setValue(FOLDER_KEY, str(target.parent))
        actor, kind, full = self.actor, self.kind(), self.full_check.isChecked()
        query = self.query if kind == "customers" and self.filter_check.isChecked() else None
        relay, cancel = self.relay, self._cancel

        def progress(rows: int) -> bool:
            relay.progressed.emit(rows)
            return not cancel.is_set()

        self.export_button.setEnabled(False)
        self.progress.show()
        self.worker.submit(lambda: exports.export(actor, kind, target, full_values=full, query=query,
                                                  progress=progress))

    def _progressed(self, rows: int) -> None:
        self.progress.setFormat(_("{n} rows…").format(n=f"{rows:,}"))
        self.progress.setTextVisible(True)

    def _done(self, result: exports.ExportResult) -> None:
        self.progress.hide()
        self.result_ = result
        self.accept()

    def _failed(self, error: BaseException) -> None:
        self.progress.hide()
        self.export_button.setEnabled(True)
        self.error.show_message(error.message if isinstance(error, ServiceError) else
                                _("The export failed: {error}").format(error=error))

    def wait(self, msecs: int = 60_000) -> bool:
        return self.worker.wait(msecs)

    def reject(self) -> None:
        self._cancel.set()
        self.worker.wait(30_000)
        super().reject()

    @classmethod
    def ask(cls, actor: User, parent: QWidget | None = None, query: CustomerQuery | None = None,
            kind: str = "customers") -> exports.ExportResult | None:
        """Show the dialog; what was written, or None when cancelled."""
        dialog = cls(actor, parent, query, kind)
        dialog.exec()
        return dialog.result_


def exported_message(result: exports.ExportResult) -> str:
    return _("{n} rows exported to {file}").format(n=f"{result.rows:,}", file=Path(result.path))
