"""Data in and out in the window: File-menu commands, the import wizard, the export dialog, backup settings, restore,
the read-only banner after damage and the network-drive notice."""
from __future__ import annotations

import pytest
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QApplication, QComboBox, QLabel, QMenu, QMessageBox, QPushButton, QToolBar

from desktop_cs.models import Customer, Tier
from desktop_cs.services import backups, customers, imports
from desktop_cs.services import database as app_database
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views import data_actions
from desktop_cs.views.backup_dialogs import BackupSettingsDialog, RestoreDialog
from desktop_cs.views.export_dialog import ExportDialog
from desktop_cs.views.import_wizard import PAGE_MAPPING, PAGE_PREVIEW, PAGE_REPORT, ImportWizard
from desktop_cs.views.main_window import MainWindow
from tests import data_files as files
from tests.data_files import HEADER, customer_row, mobile

DATA_ACTIONS = ("importAction", "exportAction", "backupNowAction", "restoreAction", "backupSettingsAction")


@pytest.fixture
def window(qtbot, supervisor):
    window = MainWindow(supervisor)
    qtbot.addWidget(window)
    yield window
    window.data_actions.shutdown()


def _wait(qtbot, dialog) -> None:
    qtbot.waitUntil(lambda: not dialog._job, timeout=30_000)


def test_file_menu_holds_the_data_commands_for_a_supervisor_only(qtbot, window, specialist):
    names = [a.objectName() for a in window.findChild(QMenu, "fileMenu").actions()]
    for name in DATA_ACTIONS:
        assert name in names and window.findChild(QAction, name).isEnabled()
    assert names.index("backupSettingsAction") < names.index("settingsAction")
    other = MainWindow(specialist)
    qtbot.addWidget(other)
    assert not [n for n in DATA_ACTIONS if other.findChild(QAction, n).isEnabled()]
    other.data_actions.shutdown()


def test_import_wizard_from_file_to_report(qtbot, tmp_path, supervisor):
    Tier.create(name="VIP")
    customers.create_customer(supervisor, CustomerInput(name="王伟"))
    customers.create_customer(supervisor, CustomerInput(name="老客户", mobile=mobile(3)))
    rows = [customer_row(1, 等级="VIP"), customer_row(2, 身份证号码="1.10105E+17"), customer_row(3),
            customer_row(4, 姓名="王伟", 手机号码="", 身份证号码="", 邮箱="")]
    path = files.write_xlsx(tmp_path / "客户.xlsx", HEADER, rows)
    changed = []
    from desktop_cs.views.common.events import events
    events().customersChanged.connect(changed.append)
    wizard = ImportWizard(supervisor, path=path)
    qtbot.addWidget(wizard)
    assert wizard.next_button.isEnabled()
    wizard.next()
    _wait(qtbot, wizard)
    assert wizard.page == PAGE_MAPPING, wizard.error.text()
    combo = wizard.findChild(QComboBox, "mappingCombo1")
    assert combo.currentData() == "mobile"
    wizard.next()
    _wait(qtbot, wizard)
    assert wizard.page == PAGE_PREVIEW, wizard.error.text()
    model = wizard.preview_model
    assert [model.data(model.index(r, 0)) for r in range(model.rowCount())] == [3, 4, 5]
    assert "科学计数法" in model.data(model.index(0, 5)) or "scientific" in model.data(model.index(0, 5))
    # the possible duplicate (same name, no numbers) is imported as new after all
    assert model.setData(model.index(2, 1), "new")
    assert not model.setData(model.index(1, 1), "new")          # same mobile: never a second customer
    assert "1" in wizard.findChild(QLabel, "previewSummaryLabel").text()
    wizard.next()
    _wait(qtbot, wizard)
    assert wizard.page == PAGE_REPORT, wizard.error.text()
    assert (wizard.report.created, wizard.report.skipped, wizard.report.refused) == (2, 1, 1)
    assert Customer.select().where(Customer.name == "王伟").count() == 2
    assert changed
    saved = wizard.save_refused_rows(str(tmp_path))
    assert saved is not None and saved.exists() and saved.name.startswith("refused-rows-")
    wizard.close()


def test_import_wizard_says_why_a_hostile_file_is_refused(qtbot, tmp_path, supervisor):
    wizard = ImportWizard(supervisor, path=files.xml_bomb(tmp_path))
    qtbot.addWidget(wizard)
    wizard.next()
    _wait(qtbot, wizard)
    assert wizard.page == 0
    assert "XML" in wizard.error.text()
    assert Customer.select().count() == 0


def test_stopping_the_import_writes_nothing(qtbot, tmp_path, supervisor, monkeypatch):
    path = files.write_csv(tmp_path / "c.csv", HEADER, [customer_row(i) for i in range(1, 50)])
    wizard = ImportWizard(supervisor, path=path)
    qtbot.addWidget(wizard)
    wizard.next()
    _wait(qtbot, wizard)
    wizard.next()
    _wait(qtbot, wizard)
    monkeypatch.setattr(imports, "BATCH", 5)
    real = imports._insert_batch

    def stop_after_first(rows):
        real(rows)
        wizard._cancel.set()        # the user presses Stop

    monkeypatch.setattr(imports, "_insert_batch", stop_after_first)
    wizard.next()
    _wait(qtbot, wizard)
    assert wizard.page == PAGE_PREVIEW
    assert wizard.error.text() and Customer.select().count() == 0


def test_export_dialog_writes_an_app_named_file_in_the_chosen_folder(qtbot, tmp_path, supervisor):
    customers.create_customer(supervisor, CustomerInput(name="张三", mobile=mobile(1)))
    dialog = ExportDialog(supervisor)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(tmp_path))
    dialog.format_combo.setCurrentIndex(dialog.format_combo.findData("csv"))
    assert dialog.file_label.text().startswith("customers-") and dialog.file_label.text().endswith(".csv")
    dialog.export()
    qtbot.waitUntil(lambda: dialog.result_ is not None or bool(dialog.error.text()), timeout=30_000)
    result = dialog.result_
    assert result is not None and result.path.parent == tmp_path and result.rows == 1
    assert mobile(1) not in result.path.read_text(encoding="utf-8-sig")


def test_backup_settings_dialog(qtbot, tmp_path, supervisor):
    usb = tmp_path / "usb"
    usb.mkdir()
    dialog = BackupSettingsDialog(supervisor)
    qtbot.addWidget(dialog)
    dialog.folder_edit.setText(str(usb))
    dialog.passphrase_edit.setText("correct horse battery")
    dialog.repeat_edit.setText("something else")
    dialog.save()
    assert dialog.findChild(QLabel, "repeatError").isVisibleTo(dialog)
    dialog.repeat_edit.setText("correct horse battery")
    dialog.weekly_spin.setValue(8)
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    settings = backups.load_settings()
    assert settings.second_folder == str(usb) and settings.weekly == 8 and settings.second_copy_enabled


def test_restore_dialog_shows_the_counts_and_restores_after_confirmation(qtbot, supervisor, monkeypatch):
    customers.create_customer(supervisor, CustomerInput(name="备份里有"))
    backups.make_backup("manual")
    customers.create_customer(supervisor, CustomerInput(name="备份后才有"))
    dialog = RestoreDialog(supervisor)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.details is not None, timeout=30_000)
    assert "1" in dialog.details_label.text() and dialog.restore_button.isEnabled()
    monkeypatch.setattr(dialog, "confirm", lambda: False)
    dialog.restore()
    assert dialog.result_ is None
    monkeypatch.setattr(dialog, "confirm", lambda: True)
    dialog.restore()
    qtbot.waitUntil(lambda: dialog.result_ is not None or bool(dialog.error.text()), timeout=30_000)
    assert dialog.result_ is not None, dialog.error.text()
    assert [c.name for c in Customer.select()] == ["备份里有"]


def test_after_a_restore_the_program_reopens(qtbot, window, monkeypatch):
    exits = []
    monkeypatch.setattr(RestoreDialog, "ask", classmethod(lambda cls, actor, parent=None, preselect=None: object()))
    monkeypatch.setattr(QMessageBox, "information", lambda *args, **kwargs: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QApplication, "exit", lambda code=0: exits.append(code))
    window.findChild(QAction, "restoreAction").trigger()
    assert exits == [data_actions.RESTART_EXIT_CODE]


def test_damage_found_at_start_up_makes_the_program_read_only_and_offers_a_backup(qtbot, window, supervisor,
                                                                                  monkeypatch):
    good = backups.make_backup("auto")
    monkeypatch.setattr(backups, "startup_check",
                        lambda path=None: backups.CheckReport(["*** in database main *** Page 7: btree damaged"]))
    window.data_actions.start()
    banner = window.findChild(QToolBar, "dataBanner")
    button = window.findChild(QPushButton, "restoreNewestButton")
    qtbot.waitUntil(lambda: button.isVisibleTo(window), timeout=30_000)
    assert banner.isVisibleTo(window)
    assert "READ-ONLY" in window.findChild(QLabel, "dataBannerLabel").text() or \
        "只读" in window.findChild(QLabel, "dataBannerLabel").text()
    assert window.data_actions.newest_good.path == good.path
    assert app_database.is_read_only()
    with pytest.raises(app_database.ReadOnlyDatabase):
        customers.create_customer(supervisor, CustomerInput(name="写不进去"))
    assert not window.findChild(QAction, "importAction").isEnabled()
    chosen = []
    monkeypatch.setattr(RestoreDialog, "ask", classmethod(lambda cls, actor, parent=None, preselect=None:
                                                          chosen.append(preselect)))
    button.click()
    assert chosen == [good.path]


def test_a_network_data_folder_is_announced(qtbot, window, monkeypatch):
    monkeypatch.setattr(app_database, "_state", app_database.DatabaseState(None, network=True))
    window.data_actions.start()
    assert window.findChild(QToolBar, "dataBanner").isVisibleTo(window)
    assert app_database.network_notice() in window.findChild(QLabel, "dataBannerLabel").text()
    window.data_actions.check_worker.wait(30_000)


def test_backup_now_from_the_menu(qtbot, window):
    window.findChild(QAction, "backupNowAction").trigger()
    qtbot.waitUntil(lambda: window.data_actions.last_backup is not None, timeout=30_000)
    assert window.data_actions.last_backup.path.exists()
    assert "desktop_cs-" in window.statusBar().currentMessage()
