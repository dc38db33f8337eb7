"""The main window: four tabs, translated title, menus, remembered layout, and the dialogs its menus open."""
from __future__ import annotations

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QTabWidget, QWidget

from desktop_cs import i18n, paths, settings, version
from desktop_cs.i18n import _
from desktop_cs.services import users
from desktop_cs.views.main_window import MainWindow
from tests.conftest import TEST_PASSWORD

TAB_NAMES = ["customersTab", "callbacksTab", "complaintsTab", "pointsTab"]
TAB_TITLES = ["Customer archive", "Callback schedule", "Complaint log", "Points"]


@pytest.fixture
def window(qtbot, supervisor):
    window = MainWindow(supervisor)
    qtbot.addWidget(window)
    return window


def test_four_tabs_with_their_names_and_translated_titles(window):
    tabs = window.findChild(QTabWidget, "mainTabs")
    assert tabs is window.tabs
    assert [tabs.widget(i).objectName() for i in range(tabs.count())] == TAB_NAMES
    assert [tabs.tabText(i) for i in range(tabs.count())] == [_(t) for t in TAB_TITLES]
    assert window.findChild(QWidget, "customersTab").findChild(QLineEdit, "customerSearch") is not None
    assert window.findChild(QWidget, "pointsTab").findChild(QLineEdit, "pointsCustomerSearch") is not None
    assert window.findChild(QWidget, "callbacksTab").findChild(QWidget, "myDayView") is not None
    assert window.findChild(QWidget, "complaintsTab").findChild(QWidget, "complaintTable") is not None
    # every area is built: no placeholder is left
    assert not [label for label in window.findChildren(QLabel) if label.text() == _("This area is not available yet.")]


def test_title_is_translated_and_names_the_company(window):
    assert i18n.current_language() == "zh_CN"
    assert window.objectName() == "mainWindow"
    assert window.windowTitle() == f"{_('Customer Service Desk')} — 测试公司"


def test_status_bar_shows_the_user_and_role(window):
    label = window.findChild(QLabel, "userStatusLabel")
    assert "王主管" in label.text()
    assert users.role_label("supervisor") in label.text()


def test_view_actions_switch_tabs_with_ctrl_digits(window):
    for index, name in enumerate(TAB_NAMES):
        action = window.findChild(QAction, name.removesuffix("Tab") + "Action")
        assert action.shortcut() == QKeySequence(f"Ctrl+{index + 1}")
        action.trigger()
        assert window.tabs.currentWidget().objectName() == name
    window.tabs.setCurrentIndex(1)
    assert window.tab_actions.checkedAction().objectName() == "callbacksAction"


def test_file_menu_shortcuts(window):
    assert window.settings_action.shortcut() == QKeySequence("Ctrl+,")
    assert window.quit_action.shortcut() == QKeySequence("Ctrl+Q")


def test_default_size_fits_the_screen(window):
    available = window.screen().availableGeometry()
    assert window.width() <= available.width() and window.height() <= available.height()
    assert window.width() >= 600 and window.height() >= 400


def test_geometry_and_last_tab_are_restored(qtbot, supervisor):
    first = MainWindow(supervisor)
    qtbot.addWidget(first)
    first.resize(640, 420)
    first.move(30, 40)
    first.tabs.setCurrentIndex(2)
    first.close()                        # closing saves the layout
    assert (paths.data_dir() / "settings.ini").exists()

    second = MainWindow(supervisor)
    qtbot.addWidget(second)
    assert second.size() == first.size()
    assert second.pos() == first.pos()
    assert second.tabs.currentWidget().objectName() == "complaintsTab"
    assert second.tab_actions.checkedAction().objectName() == "complaintsAction"


def test_a_bad_saved_tab_falls_back_to_the_first(qtbot, supervisor):
    store = settings.qsettings()
    store.setValue("main_window/tab", "nonsense")
    store.setValue("main_window/geometry", "not geometry")
    store.sync()
    window = MainWindow(supervisor)
    qtbot.addWidget(window)
    assert window.tabs.currentIndex() == 0


def test_open_data_folder(window, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window.open_data_folder_action.trigger()
    assert opened == [QUrl.fromLocalFile(str(paths.data_dir()))]


# -- the dialogs the menus open -------------------------------------------------------------------

def test_settings_saves_the_language(qtbot, window, monkeypatch):
    from desktop_cs.views.settings_dialog import SettingsDialog

    def fake_exec(self):
        qtbot.addWidget(self)
        combo = self.findChild(QComboBox, "languageCombo")
        assert [combo.itemData(i) for i in range(combo.count())] == list(i18n.LANGUAGES)
        assert combo.currentData() == "zh_CN"
        combo.setCurrentIndex(combo.findData("en"))
        self.accept()
        return self.result()

    monkeypatch.setattr(SettingsDialog, "exec", fake_exec)
    window.settings_action.trigger()
    assert settings.saved_language() == "en"
    assert i18n.current_language() == "zh_CN"      # applies after a restart


def test_settings_cancel_saves_nothing(qtbot, db):
    from desktop_cs.views.settings_dialog import SettingsDialog
    dialog = SettingsDialog()
    qtbot.addWidget(dialog)
    combo = dialog.findChild(QComboBox, "languageCombo")
    combo.setCurrentIndex(combo.findData("en"))
    dialog.reject()
    assert settings.saved_language() is None


def test_about_shows_version_folder_size_and_licences(qtbot, window, monkeypatch):
    from desktop_cs.views.about_dialog import AboutDialog
    seen = {}

    def fake_exec(self):
        qtbot.addWidget(self)
        seen["version"] = self.findChild(QLabel, "versionLabel").text()
        seen["folder"] = self.findChild(QLabel, "dataFolderLabel").text()
        seen["size"] = self.findChild(QLabel, "databaseSizeLabel").text()
        seen["licences"] = self.licences.toPlainText()
        return 0

    monkeypatch.setattr(AboutDialog, "exec", fake_exec)
    window.about_action.trigger()
    assert seen["version"] == version()
    assert str(paths.data_dir()) in seen["folder"]
    assert seen["size"] and seen["size"] != _("no database yet") and any(c.isdigit() for c in seen["size"])
    for part in ("PySide6", "LGPL", "WenQuanYi Micro Hei", "Apache License 2.0", "ReportLab", "BSD", "peewee",
                 "argon2-cffi", "MIT"):
        assert part in seen["licences"]


def _change_password(qtbot, dialog, old: str, new: str, repeated: str) -> None:
    from PySide6.QtCore import Qt
    dialog.findChild(QLineEdit, "oldPasswordEdit").setText(old)
    dialog.findChild(QLineEdit, "newPasswordEdit").setText(new)
    dialog.findChild(QLineEdit, "newPasswordRepeatEdit").setText(repeated)
    qtbot.mouseClick(dialog.findChild(QPushButton, "changeButton"), Qt.MouseButton.LeftButton)


def test_change_password_refuses_in_place_then_changes(qtbot, supervisor):
    from desktop_cs.views.change_password_dialog import ChangePasswordDialog
    dialog = ChangePasswordDialog(supervisor, required=True)
    qtbot.addWidget(dialog)

    _change_password(qtbot, dialog, "wrong-old-pass", "new-pass-456", "new-pass-456")
    assert dialog.findChild(QLabel, "oldPasswordError").text() == _("The current password is wrong.")
    assert dialog.result() != QDialog.DialogCode.Accepted

    _change_password(qtbot, dialog, TEST_PASSWORD, "new-pass-456", "new-pass-457")
    assert dialog.findChild(QLabel, "oldPasswordError").isHidden()
    assert dialog.findChild(QLabel, "newPasswordRepeatError").text() == _("The two passwords differ.")

    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        _change_password(qtbot, dialog, TEST_PASSWORD, "new-pass-456", "new-pass-456")
    assert users.authenticate("boss", "new-pass-456").id == supervisor.id


def test_lazy_tabs_build_the_current_tab_first_and_the_rest_after_the_first_paint(qtbot, supervisor):
    """The start-up path: only the tab in view is built before the window shows."""
    from desktop_cs.views.main_window import MainWindow
    window = MainWindow(supervisor, lazy_tabs=True)
    qtbot.addWidget(window)
    assert set(window._built) == {"customersTab"}
    assert window.tabs.widget(1).objectName() == "callbacksPending"
    qtbot.waitUntil(lambda: len(window._built) == 4, timeout=10000)
    assert [window.tabs.widget(i).objectName() for i in range(4)] == [
        "customersTab", "callbacksTab", "complaintsTab", "pointsTab"]
    assert window.tabs.currentIndex() == 0
