"""File → Import…: the customer import wizard (file, encoding and separator, column mapping, preview of every row's
problems with the duplicate choices, the import off the UI thread with a cancellable bar, the report)."""
from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, QStandardPaths, Qt, \
    Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDialog, QFileDialog, QFormLayout, QHBoxLayout,
                               QHeaderView, QLabel, QLineEdit, QProgressBar, QPushButton, QStackedWidget,
                               QStyledItemDelegate, QTableView, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_cs import clock, settings
from desktop_cs.i18n import N_, _, ngettext
from desktop_cs.services import imports
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.masking import mask_id_number, mask_mobile, scrub_text
from desktop_cs.views.common import FieldError, explanation, text_width
from desktop_cs.views.common.events import events
from desktop_cs.views.common.workers import LatestOnlyWorker

if TYPE_CHECKING:
    from desktop_cs.models import User

FOLDER_KEY = "import/folder"
FILE_FILTER = "*.xlsx *.xls *.csv *.txt"
ENCODINGS = (("", N_("Automatic")), ("utf-8", "UTF-8"), ("gb18030", "GBK / GB18030"), ("utf-16", "UTF-16"))
SEPARATORS = (("", N_("Automatic")), (",", N_("Comma")), (";", N_("Semicolon")), ("\t", N_("Tab")))
PAGE_FILE, PAGE_MAPPING, PAGE_PREVIEW, PAGE_REPORT = range(4)
WARNING_COLOR = "#8d6e00"
ERROR_COLOR = "#c62828"


class _Relay(QObject):
    """Carries (done, total) from the worker thread to the progress bar."""

    progressed = Signal(int, int)


class PreviewModel(QAbstractTableModel):
    """The preview rows (those with problems, or all) with their decision, a few values and the problems."""

    COLUMNS = ("line", "decision", "name", "mobile", "id_number", "problems")

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.plan: imports.Preview | None = None
        self.rows: list[imports.PreviewRow] = []
        self.only_problems = True

    def set_plan(self, plan: imports.Preview | None, only_problems: bool | None = None) -> None:
        self.beginResetModel()
        self.plan = plan
        if only_problems is not None:
            self.only_problems = only_problems
        self.rows = [] if plan is None else (plan.rows_with_problems() if self.only_problems else list(plan.rows))
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return {"line": _("Row"), "decision": _("What happens"), "name": _("Name"), "mobile": _("Mobile"),
                    "id_number": _("ID number"), "problems": _("Problems")}[self.COLUMNS[section]]
        return None

    def row_at(self, index: QModelIndex) -> imports.PreviewRow | None:
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        row = self.row_at(index)  # type: ignore[arg-type]
        if row is not None and self.COLUMNS[index.column()] == "decision" and len(row.allowed_decisions()) > 1:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)  # type: ignore[arg-type]
        if row is None:
            return None
        column = self.COLUMNS[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if column == "line":
                return row.line
            if column == "decision":
                return imports.decision_label(row.decision)
            if column == "problems":
                return scrub_text(imports.problems_text(row))      # numbers quoted in a problem: masked
            value = row.value(column)
            if value is None and row.cells:
                # refused: show what the file says
                mapping = {f: i for i, f in (self.plan.mapping.items() if self.plan else ())}
                i = mapping.get(column)
                value = row.cells[i] if i is not None and i < len(row.cells) else ""
                return scrub_text(str(value or ""))
            if value and column == "mobile":          # privacy by default: lists show numbers masked
                return mask_mobile(str(value))
            if value and column == "id_number":
                return mask_id_number(str(value))
            return value or ""
        if role == Qt.ItemDataRole.EditRole and column == "decision":
            return row.decision
        if role == Qt.ItemDataRole.ForegroundRole and column in ("decision", "problems"):
            if row.refused:
                return QBrush(QColor(ERROR_COLOR))
            if any(p.severity == imports.WARNING for p in row.problems):
                return QBrush(QColor(WARNING_COLOR))
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,  # noqa: N802
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        row = self.row_at(index)  # type: ignore[arg-type]
        if row is None or self.plan is None or self.COLUMNS[index.column()] != "decision":
            return False
        try:
            self.plan.decide(row.line, str(value))
        except ServiceError:
            return False
        self.dataChanged.emit(index, index)
        return True

    def refresh(self) -> None:
        if self.rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.rows) - 1, len(self.COLUMNS) - 1))


class DecisionDelegate(QStyledItemDelegate):
    """A combo of the decisions the row allows (skip / update / import as new)."""

    def createEditor(self, parent: QWidget, option, index: QModelIndex) -> QWidget:  # noqa: N802
        combo = QComboBox(parent)
        combo.setObjectName("decisionEditor")
        row = index.model().row_at(index)  # type: ignore[attr-defined]
        for decision in row.allowed_decisions() if row else ():
            combo.addItem(imports.decision_label(decision), decision)
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor: QWidget, model, index: QModelIndex) -> None:  # noqa: N802
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentData())


class ImportWizard(QDialog):
    """Imports customers from a file in four steps; nothing is written before the last one."""

    def __init__(self, actor: User, parent: QWidget | None = None, path: str | Path | None = None):
        super().__init__(parent)
        self.setObjectName("importWizard")
        self.setWindowTitle(_("Import customers"))
        self.actor = actor
        self.inspection: imports.FileInspection | None = None
        self.plan: imports.Preview | None = None
        self.report: imports.ImportReport | None = None
        self._cancel = threading.Event()
        self._job = ""
        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._job_done)
        self.worker.failed.connect(self._job_failed)
        self.relay = _Relay(self)
        self.relay.progressed.connect(self._progressed)

        self.pages = QStackedWidget()
        self.pages.setObjectName("importPages")
        self.pages.addWidget(self._file_page())
        self.pages.addWidget(self._mapping_page())
        self.pages.addWidget(self._preview_page())
        self.pages.addWidget(self._report_page())

        self.progress = QProgressBar()
        self.progress.setObjectName("importProgress")
        self.progress.hide()
        self.progress_cancel = QPushButton(_("Stop"))
        self.progress_cancel.setObjectName("progressCancelButton")
        self.progress_cancel.hide()
        self.progress_cancel.clicked.connect(self._cancel.set)
        self.error = FieldError("importError")

        self.back_button = QPushButton(_("< Back"))
        self.back_button.setObjectName("backButton")
        self.next_button = QPushButton(_("Next >"))
        self.next_button.setObjectName("nextButton")
        self.next_button.setDefault(True)
        self.close_button = QPushButton(_("Cancel"))
        self.close_button.setObjectName("closeButton")
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.close_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.progress, 1)
        buttons.addWidget(self.progress_cancel)
        buttons.addStretch(0)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        buttons.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        self.resize(text_width(self, 120), text_width(self, 60))
        if path:
            self.path_edit.setText(str(path))
        self._update_buttons()

    # -- pages ---------------------------------------------------------------------------------
    def _file_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("filePage")
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("filePathEdit")
        self.path_edit.textChanged.connect(self._update_buttons)
        browse = QPushButton(_("Choose…"))
        browse.setObjectName("browseButton")
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        self.encoding_combo = QComboBox()
        self.encoding_combo.setObjectName("encodingCombo")
        for code, label in ENCODINGS:
            self.encoding_combo.addItem(_(label) if not code else label, code)
        self.separator_combo = QComboBox()
        self.separator_combo.setObjectName("separatorCombo")
        for code, label in SEPARATORS:
            self.separator_combo.addItem(_(label), code)
        self.sheet_combo = QComboBox()
        self.sheet_combo.setObjectName("sheetCombo")
        self.sheet_combo.setEnabled(False)
        self.file_info = QLabel()
        self.file_info.setObjectName("fileInfoLabel")
        self.file_info.setWordWrap(True)
        form = QFormLayout()
        form.addRow(_("File:"), row)
        form.addRow(_("Text encoding (CSV):"), self.encoding_combo)
        form.addRow(_("Separator (CSV):"), self.separator_combo)
        form.addRow(_("Sheet (workbook):"), self.sheet_combo)
        layout = QVBoxLayout(page)
        layout.addWidget(explanation(_("Choose an Excel workbook (.xlsx, .xls) or a CSV file with one customer per "
                                       "row and the column names in the first row. Nothing is written until the "
                                       "last step."), "fileExplanation"))
        layout.addLayout(form)
        layout.addWidget(self.file_info)
        layout.addStretch(1)
        return page

    def _mapping_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("mappingPage")
        self.mapping_table = QTableWidget(0, 3)
        self.mapping_table.setObjectName("mappingTable")
        self.mapping_table.setHorizontalHeaderLabels([_("Column in the file"), _("First values"), _("Imported as")])
        self.mapping_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.mapping_table.verticalHeader().hide()
        self.mapping_combos: list[QComboBox] = []
        self.saved_combo = QComboBox()
        self.saved_combo.setObjectName("savedMappingCombo")
        apply_saved = QPushButton(_("Use"))
        apply_saved.setObjectName("applyMappingButton")
        apply_saved.clicked.connect(self.apply_saved_mapping)
        self.mapping_name_edit = QLineEdit()
        self.mapping_name_edit.setObjectName("mappingNameEdit")
        self.mapping_name_edit.setPlaceholderText(_("name of this mapping"))
        save = QPushButton(_("Save mapping"))
        save.setObjectName("saveMappingButton")
        save.clicked.connect(self.save_mapping)
        self.duplicate_combo = QComboBox()
        self.duplicate_combo.setObjectName("onDuplicateCombo")
        self.duplicate_combo.addItem(_("Skip them"), "skip")
        self.duplicate_combo.addItem(_("Update them with the file's values"), "update")
        saved_row = QHBoxLayout()
        saved_row.addWidget(QLabel(_("Saved mapping:")))
        saved_row.addWidget(self.saved_combo, 1)
        saved_row.addWidget(apply_saved)
        saved_row.addSpacing(text_width(self, 2))
        saved_row.addWidget(self.mapping_name_edit, 1)
        saved_row.addWidget(save)
        dup_row = QHBoxLayout()
        dup_row.addWidget(QLabel(_("Customers already in the archive (same mobile or ID number):")))
        dup_row.addWidget(self.duplicate_combo, 1)
        self.new_assignments_check = QCheckBox(_("Customers with a specialist in the file are new to that specialist "
                                                 "(the one-week first contact starts, with a callback)"))
        self.new_assignments_check.setObjectName("newAssignmentsCheck")
        self.new_assignments_check.setToolTip(_("Leave it off when the file lists customers your specialists "
                                                "already look after."))
        layout = QVBoxLayout(page)
        layout.addWidget(explanation(_("Check which field each column goes to; columns set to \"(not imported)\" "
                                       "are left out. The name column is required."), "mappingExplanation"))
        layout.addWidget(self.mapping_table, 1)
        layout.addLayout(saved_row)
        layout.addLayout(dup_row)
        layout.addWidget(self.new_assignments_check)
        return page

    def _preview_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("previewPage")
        self.preview_summary = QLabel()
        self.preview_summary.setObjectName("previewSummaryLabel")
        self.preview_summary.setWordWrap(True)
        self.show_combo = QComboBox()
        self.show_combo.setObjectName("showCombo")
        self.show_combo.addItem(_("Rows with problems or duplicates"), True)
        self.show_combo.addItem(_("All rows"), False)
        self.show_combo.currentIndexChanged.connect(self._show_changed)
        self.preview_model = PreviewModel(self)
        self.preview_table = QTableView()
        self.preview_table.setObjectName("previewTable")
        self.preview_table.setModel(self.preview_model)
        self.preview_table.setItemDelegateForColumn(1, DecisionDelegate(self.preview_table))
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                                           | QAbstractItemView.EditTrigger.SelectedClicked)
        self.preview_table.horizontalHeader().setStretchLastSection(True)
        self.preview_table.verticalHeader().hide()
        for column, chars in ((0, 7), (1, 16), (2, 10), (3, 13), (4, 20)):
            self.preview_table.setColumnWidth(column, text_width(self.preview_table, chars))
        skip_all = QPushButton(_("Skip all duplicates"))
        skip_all.setObjectName("skipAllDuplicatesButton")
        skip_all.clicked.connect(lambda: self.decide_duplicates("skip"))
        update_all = QPushButton(_("Update all duplicates"))
        update_all.setObjectName("updateAllDuplicatesButton")
        update_all.clicked.connect(lambda: self.decide_duplicates("update"))
        top = QHBoxLayout()
        top.addWidget(self.show_combo)
        top.addStretch(1)
        top.addWidget(skip_all)
        top.addWidget(update_all)
        layout = QVBoxLayout(page)
        layout.addWidget(self.preview_summary)
        layout.addLayout(top)
        layout.addWidget(self.preview_table, 1)
        layout.addWidget(QLabel(_("Double-click \"What happens\" to choose per duplicate: skip it, update the "
                                  "customer in the archive, or (when only the name matches) import it as new.")))
        return page

    def _report_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("reportPage")
        self.report_label = QLabel()
        self.report_label.setObjectName("reportLabel")
        self.report_label.setWordWrap(True)
        self.report_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_refused_button = QPushButton(_("Save the refused rows to a file…"))
        self.save_refused_button.setObjectName("saveRefusedButton")
        self.save_refused_button.clicked.connect(self.save_refused_rows)
        layout = QVBoxLayout(page)
        layout.addWidget(self.report_label)
        row = QHBoxLayout()
        row.addWidget(self.save_refused_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    # -- navigation ----------------------------------------------------------------------------
    @property
    def page(self) -> int:
        return self.pages.currentIndex()

    def _busy(self) -> bool:
        return bool(self._job)

    def _update_buttons(self, *_args) -> None:
        page, busy = self.page, self._busy()
        self.back_button.setEnabled(not busy and page in (PAGE_MAPPING, PAGE_PREVIEW))
        self.next_button.setVisible(page != PAGE_REPORT)
        self.next_button.setText(_("Import") if page == PAGE_PREVIEW else _("Next >"))
        enabled = not busy
        if page == PAGE_FILE:
            enabled = enabled and bool(self.path_edit.text().strip())
        if page == PAGE_PREVIEW and self.plan is not None:
            counts = self.plan.counts()
            enabled = enabled and bool(counts["new"] or counts["update"])
        self.next_button.setEnabled(enabled)
        self.close_button.setText(_("Close") if page == PAGE_REPORT else _("Cancel"))
        self.close_button.setEnabled(not busy)

    def next(self) -> None:
        self.error.clear_message()
        if self.page == PAGE_FILE:
            self.inspect()
        elif self.page == PAGE_MAPPING:
            self.run_preview()
        elif self.page == PAGE_PREVIEW:
            self.run_import()

    def back(self) -> None:
        self.error.clear_message()
        if self.page in (PAGE_MAPPING, PAGE_PREVIEW):
            self.pages.setCurrentIndex(self.page - 1)
        self._update_buttons()

    def _go(self, page: int) -> None:
        self.pages.setCurrentIndex(page)
        self._update_buttons()

    def browse(self) -> None:
        store = settings.qsettings()
        start = store.value(FOLDER_KEY) or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        name, _filter = QFileDialog.getOpenFileName(self, _("Choose the file to import"), str(start),
                                                    _("Spreadsheets ({patterns})").format(patterns=FILE_FILTER))
        if name:
            self.path_edit.setText(name)
            store.setValue(FOLDER_KEY, str(Path(name).parent))

    # -- background work -----------------------------------------------------------------------
    def _start(self, job: str, fn, message: str) -> None:
        self._job = job
        self._cancel.clear()
        self.progress.setRange(0, 0)
        self.progress.setFormat(message)
        self.progress.setTextVisible(True)
        self.progress.show()
        self.progress_cancel.setVisible(job in ("preview", "import"))
        self._update_buttons()
        self.worker.submit(fn)

    def _progress_callback(self):
        relay, cancel = self.relay, self._cancel

        def progress(done: int, total: int) -> bool:
            relay.progressed.emit(done, total)
            return not cancel.is_set()

        return progress

    def _progressed(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _stop_progress(self) -> None:
        self._job = ""
        self.progress.hide()
        self.progress_cancel.hide()
        self._update_buttons()

    def wait(self, msecs: int = 60_000) -> bool:
        """Block until the running job is done (tests)."""
        return self.worker.wait(msecs)

    def _job_done(self, result: object) -> None:
        job = self._job
        self._stop_progress()
        if job == "inspect":
            self._inspected(result)  # type: ignore[arg-type]
        elif job == "preview":
            self._previewed(result)  # type: ignore[arg-type]
        elif job == "import":
            self._imported(result)  # type: ignore[arg-type]

    def _job_failed(self, error: BaseException) -> None:
        self._stop_progress()
        if isinstance(error, ServiceError):
            self.error.show_message(error.message)
        else:
            from desktop_cs.services.database import service_error_for
            translated = service_error_for(error)
            if translated is None:
                import logging
                logging.getLogger(__name__).error("import step failed", exc_info=error)
                self.error.show_message(_("The import failed unexpectedly; nothing was written. The details are in "
                                          "the log file."))
            else:
                self.error.show_message(translated.message)

    # -- step 1: the file ----------------------------------------------------------------------
    def inspect(self) -> None:
        path = self.path_edit.text().strip()
        encoding = self.encoding_combo.currentData() or None
        delimiter = self.separator_combo.currentData() or None
        sheet = self.sheet_combo.currentText() if self.sheet_combo.isEnabled() else None
        self._close_table()
        self._start("inspect", lambda: imports.inspect_file(path, encoding=encoding, delimiter=delimiter,
                                                             sheet=sheet), _("Reading the file…"))

    def _inspected(self, inspection: imports.FileInspection) -> None:
        self.inspection = inspection
        table = inspection.table
        if table.sheets:
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.clear()
            self.sheet_combo.addItems(table.sheets)
            self.sheet_combo.setCurrentText(table.sheet or "")
            self.sheet_combo.setEnabled(len(table.sheets) > 1)
            self.sheet_combo.blockSignals(False)
        if table.kind == "csv":
            self.file_info.setText(_("CSV file, encoding {encoding}, separator {separator}.").format(
                encoding=(table.encoding or "").upper(),
                separator=dict((c, _(label)) for c, label in SEPARATORS).get(table.delimiter or ",", "")))
        else:
            self.file_info.setText(_("Workbook, sheet \"{sheet}\".").format(sheet=table.sheet))
        self._fill_mapping(inspection)
        self._go(PAGE_MAPPING)

    # -- step 2: the mapping -------------------------------------------------------------------
    def _fill_mapping(self, inspection: imports.FileInspection) -> None:
        header = inspection.header
        self.mapping_table.setRowCount(len(header))
        self.mapping_combos = []
        for i, text in enumerate(header):
            item = QTableWidgetItem(text or _("(column {n})").format(n=i + 1))
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping_table.setItem(i, 0, item)
            sample = "、".join(row[i] for row in inspection.sample[:3] if i < len(row) and row[i])
            values = QTableWidgetItem(sample)
            values.setFlags(values.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.mapping_table.setItem(i, 1, values)
            combo = QComboBox()
            combo.setObjectName(f"mappingCombo{i}")
            combo.addItem(_("(not imported)"), "")
            for name in imports.FIELDS:
                combo.addItem(imports.field_label(name), name)
            combo.setCurrentIndex(max(0, combo.findData(inspection.guessed.get(i, ""))))
            self.mapping_table.setCellWidget(i, 2, combo)
            self.mapping_combos.append(combo)
        self.mapping_table.resizeColumnToContents(0)
        self.mapping_table.setColumnWidth(2, text_width(self, 22))
        self.saved_combo.clear()
        for name in sorted(imports.saved_mappings()):
            self.saved_combo.addItem(name)

    def mapping(self) -> dict[int, str]:
        """Column index -> field as set on the page."""
        return {i: combo.currentData() for i, combo in enumerate(self.mapping_combos) if combo.currentData()}

    def set_mapping(self, mapping: dict[int, str]) -> None:
        for i, combo in enumerate(self.mapping_combos):
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(i, ""))))

    def apply_saved_mapping(self) -> None:
        name = self.saved_combo.currentText()
        if not name or self.inspection is None:
            return
        try:
            self.set_mapping(imports.apply_saved_mapping(self.inspection.header, name))
        except ServiceError as error:
            self.error.show_message(error.message)

    def save_mapping(self) -> None:
        if self.inspection is None:
            return
        self.error.clear_message()
        try:
            imports.save_mapping(self.actor, self.mapping_name_edit.text(), self.inspection.header, self.mapping())
        except ServiceError as error:
            self.error.show_message(error.message)
            return
        name = self.mapping_name_edit.text().strip()
        if self.saved_combo.findText(name) < 0:
            self.saved_combo.addItem(name)
        self.saved_combo.setCurrentText(name)
        self.error.show_message(_("Mapping \"{name}\" saved.").format(name=name))

    # -- step 3: the preview -------------------------------------------------------------------
    def run_preview(self) -> None:
        if self.inspection is None:
            return
        mapping = self.mapping()
        try:
            imports.check_mapping(mapping)
        except ServiceError as error:
            self.error.show_message(error.message)
            return
        actor, inspection = self.actor, self.inspection
        on_duplicate = self.duplicate_combo.currentData()
        new_assignments = self.new_assignments_check.isChecked()
        progress = self._progress_callback()
        self._start("preview", lambda: imports.preview(actor, inspection.table.path, mapping,
                                                        on_duplicate=on_duplicate, progress=progress,
                                                        inspection=inspection, new_assignments=new_assignments),
                    _("Checking every row…"))

    def _previewed(self, plan: imports.Preview) -> None:
        self.plan = plan
        self.preview_model.set_plan(plan, self.show_combo.currentData())
        self._summarise()
        self._go(PAGE_PREVIEW)

    def _summarise(self) -> None:
        if self.plan is None:
            return
        c = self.plan.counts()
        text = _("{rows} rows read: {new} new, {update} to update, {skip} to skip, {refuse} refused. {dup} already "
                 "in the archive, {maybe} possibly (same name), {warn} with warnings.").format(
            rows=len(self.plan.rows), new=c["new"], update=c["update"], skip=c["skip"], refuse=c["refuse"],
            dup=c["duplicates"], maybe=c["possible_duplicates"], warn=c["warnings"])
        if self.plan.blank_rows:
            text += " " + ngettext("{n} empty row left out.", "{n} empty rows left out.", self.plan.blank_rows).format(
                n=self.plan.blank_rows)
        self.preview_summary.setText(text)
        self._update_buttons()

    def _show_changed(self, *_args) -> None:
        self.preview_model.set_plan(self.plan, self.show_combo.currentData())

    def decide_duplicates(self, decision: str) -> None:
        if self.plan is None:
            return
        self.plan.decide_duplicates(decision)
        self.preview_model.refresh()
        self._summarise()

    # -- step 4: the import and its report -----------------------------------------------------
    def run_import(self) -> None:
        if self.plan is None:
            return
        actor, plan = self.actor, self.plan
        progress = self._progress_callback()
        self._start("import", lambda: imports.run_import(actor, plan, progress),
                    _("Backing up, then importing…"))

    def _imported(self, report: imports.ImportReport) -> None:
        self.report = report
        lines = [report.summary()]
        if report.warnings:
            lines.append(ngettext("{n} row was imported with a warning (see the preview).",
                                  "{n} rows were imported with a warning (see the preview).",
                                  report.warnings).format(n=report.warnings))
        if report.backup_path:
            lines.append(_("The database was backed up first: {file}").format(file=report.backup_path.name))
        if report.refused:
            lines.append(_("Save the refused rows to a file, correct them and import that file again."))
        self.report_label.setText("\n".join(lines))
        self.save_refused_button.setVisible(bool(report.refused))
        self._go(PAGE_REPORT)
        if report.changed:
            events().customersChanged.emit([])

    def save_refused_rows(self, folder: str | None = None) -> Path | None:
        """Write the refused rows to an app-named .xlsx in a folder the user chooses; the file written."""
        if self.plan is None:
            return None
        if folder is None:
            store = settings.qsettings()
            folder = QFileDialog.getExistingDirectory(self, _("Folder for the refused rows"),
                                                      str(store.value(FOLDER_KEY) or ""))
            if not folder:
                return None
        target = Path(folder) / f"refused-rows-{clock.now():%Y%m%d-%H%M%S}.xlsx"
        try:
            imports.write_refused_rows(self.plan, target)
        except ServiceError as error:
            self.error.show_message(error.message)
            return None
        self.error.show_message(_("Refused rows written to {file}").format(file=target))
        return target

    # -- closing -------------------------------------------------------------------------------
    def _close_table(self) -> None:
        if self.inspection is not None:
            self.inspection.table.close()

    def reject(self) -> None:
        if self._busy():
            self._cancel.set()
            return
        self.done(QDialog.DialogCode.Rejected)

    def done(self, result: int) -> None:
        self._cancel.set()
        self.worker.wait(30_000)
        self._close_table()
        super().done(result)

    @classmethod
    def ask(cls, actor: User, parent: QWidget | None = None) -> imports.ImportReport | None:
        """Run the wizard; the report of the import made, or None when nothing was imported."""
        wizard = cls(actor, parent)
        wizard.exec()
        return wizard.report
