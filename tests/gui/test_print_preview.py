"""The print preview: it builds a form in the background and shows it with QtPdf, Save writes the PDF, pages go to
a printer (range and all), Cancel stops a long batch; the Print menu, the options dialog and the record form's
Print button open it."""
from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.services import printing
from desktop_cs.services.errors import PermissionDenied
from desktop_cs.views.printing import preview as preview_module
from desktop_cs.views.printing.options_dialog import PrintOptionsDialog, period_dates
from desktop_cs.views.printing.preview import PrintPreviewDialog, preview_dir
from tests import print_data


@pytest.fixture
def data(supervisor, specialist):
    return print_data.make(supervisor, specialist)


def open_preview(qtbot, build, title="回访记录表") -> PrintPreviewDialog:
    dialog = PrintPreviewDialog(title, build)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.built is not None or dialog.error is not None, timeout=20000)
    return dialog


def test_the_preview_shows_a_form_and_save_writes_the_file(qtbot, specialist, data, tmp_path, monkeypatch):
    dialog = open_preview(qtbot, lambda: printing.callback_forms(specialist, callback_ids=[data.unsatisfied_callback]))
    assert dialog.error is None
    assert dialog.stack.currentWidget() is dialog.view
    assert dialog.document.pageCount() == 1
    assert dialog.save_button.isEnabled() and dialog.print_button.isEnabled()
    assert dialog.built.path.parent == preview_dir() and dialog.built.file_name.endswith(".pdf")
    offered = {}

    def fake_save(parent, caption, suggested, filters):
        offered["name"] = suggested
        return str(tmp_path / "saved"), filters          # no suffix typed: .pdf is added

    monkeypatch.setattr(QFileDialog, "getSaveFileName", fake_save)
    saved = dialog.save_as()
    assert saved == tmp_path / "saved.pdf" and saved.read_bytes().startswith(b"%PDF")
    assert offered["name"].endswith(dialog.built.file_name)
    assert "张三丰" in PdfReader(io.BytesIO(saved.read_bytes())).pages[0].extract_text()
    preview_file = dialog.built.path
    dialog.reject()
    assert not preview_file.exists()                     # the preview file goes with the dialog


def test_save_cancelled_writes_nothing(qtbot, specialist, data, tmp_path, monkeypatch):
    dialog = open_preview(qtbot, lambda: printing.callback_forms(specialist, blank=True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: ("", ""))
    assert dialog.save_as() is None
    dialog.reject()


def test_pages_go_to_the_printer_with_the_page_range(qtbot, supervisor, data, tmp_path):
    dialog = open_preview(qtbot, lambda: printing.callback_forms(supervisor, date_from=print_data.PERIOD[0],
                                                                 date_to=print_data.PERIOD[1]))
    assert dialog.document.pageCount() == 3
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "all.pdf"))
    assert dialog.print_to(printer) == 3
    assert len(PdfReader(str(tmp_path / "all.pdf")).pages) == 3
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "range.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(2, 3)
    assert dialog.print_to(printer) == 2
    assert len(PdfReader(str(tmp_path / "range.pdf")).pages) == 2
    dialog.reject()


def test_a_long_batch_can_be_cancelled(qtbot, supervisor, data):
    def build():
        document = printing.callback_forms(supervisor, date_from=print_data.PERIOD[0], date_to=print_data.PERIOD[1])
        document.forms = document.forms * 2000
        return document

    dialog = PrintPreviewDialog("回访记录表", build)
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.progress.maximum() > 0, timeout=20000)
    assert dialog.progress.maximum() == 6000
    dialog.cancel_button.click()
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=20000)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.built is None
    assert not list(preview_dir().glob("*.pdf"))


def test_a_refusal_is_shown_in_the_dialog(qtbot, specialist, data):
    def build():
        return printing.callback_summary(specialist, *print_data.PERIOD)

    dialog = open_preview(qtbot, build)
    assert dialog.built is None and dialog.status_label.text() == dialog.error
    assert not dialog.print_button.isEnabled()
    with pytest.raises(PermissionDenied):
        build()


def test_options_dialog_periods_and_specialists(qtbot, supervisor, specialist):
    clock.freeze(dt.datetime(2026, 11, 20, 10, 0))
    dialog = PrintOptionsDialog(supervisor, "callback_summary", "回访总结报告")
    qtbot.addWidget(dialog)
    assert dialog.specialist_combo.itemData(0) is None and dialog.specialist_combo.findData(specialist.id) > 0
    dialog.period_combo.setCurrentIndex(dialog.period_combo.findData("last_month"))
    options = dialog.options()
    assert (options.date_from, options.date_to) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    dialog.to_edit.setDate(QDate(2026, 9, 30))           # before the first day
    assert dialog.period_combo.currentData() == "custom"
    dialog.accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.date_error.text()
    mine = PrintOptionsDialog(specialist, "callback_forms", "回访记录表")
    qtbot.addWidget(mine)
    assert not mine.specialist_combo.isEnabled() and mine.options().specialist_id == specialist.id
    assert not mine.full_values_check.isVisibleTo(mine) and mine.options().full_values is False


def test_named_periods():
    today = dt.date(2026, 11, 20)
    assert period_dates("this_month", today) == (dt.date(2026, 11, 1), today)
    assert period_dates("last_month", today) == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert period_dates("last_365", today) == (dt.date(2025, 11, 21), today)
    assert period_dates("custom", today) is None


def test_print_menu_and_the_record_forms_print_button(qtbot, supervisor, specialist, data, monkeypatch):
    from desktop_cs.views.main_window import MainWindow
    opened = []

    def fake_exec(self):
        qtbot.waitUntil(lambda: self.built is not None or self.error is not None, timeout=20000)
        opened.append((self.windowTitle(), self.document.pageCount(), self.error))
        self.reject()
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(PrintPreviewDialog, "exec", fake_exec)
    window = MainWindow(specialist)
    qtbot.addWidget(window)
    menu = window.print_menu
    assert menu.objectName() == "printMenu"
    assert not menu.callback_summary_action.isEnabled() and menu.blank_form_action.isEnabled()
    menu.blank_form_action.trigger()
    assert opened[-1][1:] == (1, None)

    monkeypatch.setattr(QMessageBox, "information", lambda *args: QMessageBox.StandardButton.Ok)
    assert menu.selected_form() is None                 # nothing selected: a notice, no preview

    from desktop_cs.views.callbacks.record_dialog import CallbackRecordDialog
    record = CallbackRecordDialog(specialist, data.unsatisfied_callback)
    qtbot.addWidget(record)
    assert record.print_button.objectName() == "printFormButton"
    record.print_button.click()
    assert opened[-1][1:] == (1, None) and _("Callback record form") in opened[-1][0]

    boss = MainWindow(supervisor)
    qtbot.addWidget(boss)
    monkeypatch.setattr(PrintOptionsDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    boss.print_menu.callback_summary_action.trigger()
    assert opened[-1][2] is None and opened[-1][1] >= 1
    assert preview_module.MAX_PRINT_DPI == 300
