"""Preferences of this PC: the interface language and the idle lock (settings.ini of the data folder), and the
database it works on (connection.json: its built-in database or the team server)."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QMessageBox, QSpinBox,
                               QTabWidget, QVBoxLayout, QWidget)

from desktop_cs import i18n, settings
from desktop_cs.i18n import _
from desktop_cs.views.common import WrapLabel, text_width
from desktop_cs.views.team_server_form import TeamServerForm, ask_restart

#: the pages, by name (``SettingsDialog(page=...)``)
GENERAL_PAGE, DATABASE_PAGE = "general", "database"


def database_in_use() -> str:
    """The sentence naming the database this window works on now."""
    from desktop_cs.services import database
    if database.is_team_server():
        from desktop_cs.views.connection_banner import server_text
        return _("In use now: the team server {server}.").format(server=server_text(database.state().server))
    return _("In use now: this PC's built-in database.")


class SettingsDialog(QDialog):
    """The interface language (applies at the next start), the minutes before the screen locks (at once), and
    the database: this PC only or a team server (applies at the next start; "Restart now" is offered)."""

    def __init__(self, parent: QWidget | None = None, page: str = GENERAL_PAGE):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))
        #: the database choice was saved (a restart switches to it) / the user asked to restart now
        self.database_changed = False
        self.restart_requested = False
        self._saving = False

        self.language_combo = QComboBox()
        self.language_combo.setObjectName("languageCombo")
        for code, name in i18n.LANGUAGES.items():
            self.language_combo.addItem(name, code)
        current = settings.saved_language() or i18n.current_language()
        index = self.language_combo.findData(current)
        self.language_combo.setCurrentIndex(max(index, 0))

        note = QLabel(_("A new language applies after the program is restarted."))
        note.setObjectName("languageNote")
        note.setWordWrap(True)
        note.setMinimumWidth(text_width(note, 44))

        self.idle_minutes_spin = QSpinBox()
        self.idle_minutes_spin.setObjectName("idleMinutesSpin")
        self.idle_minutes_spin.setRange(settings.MIN_IDLE_LOCK_MINUTES, settings.MAX_IDLE_LOCK_MINUTES)
        self.idle_minutes_spin.setValue(settings.idle_lock_minutes())
        self.idle_minutes_spin.setSuffix(" " + _("min"))
        idle_note = QLabel(_("Without use for this long, the window hides customer data until someone signs in."))
        idle_note.setObjectName("idleMinutesNote")
        idle_note.setWordWrap(True)
        idle_note.setMinimumWidth(text_width(idle_note, 44))

        self.general_page = QWidget()
        self.general_page.setObjectName("generalPage")
        form = QFormLayout(self.general_page)
        form.addRow(_("Language:"), self.language_combo)
        form.addRow("", note)
        form.addRow(_("Lock the screen after:"), self.idle_minutes_spin)
        form.addRow("", idle_note)

        # -- the database: this PC only or the team server --
        self.database_page = QWidget()
        self.database_page.setObjectName("databasePage")
        self.database_form = TeamServerForm()
        self.database_form.testFinished.connect(self._test_done)
        self.in_use_label = WrapLabel(database_in_use(), "databaseInUseLabel")
        restart_note = WrapLabel(_("Another database is used after the program is restarted: saving offers to "
                                   "restart now."), "databaseRestartNote")
        page_box = QVBoxLayout(self.database_page)
        page_box.addWidget(self.in_use_label)
        from desktop_cs.services import connection
        if connection.override_in_force():
            page_box.addWidget(WrapLabel(_("This run uses the database given on the command line (--database) or in "
                                           "DESKTOP_CS_DATABASE; the choice below applies when the program starts "
                                           "without it."), "databaseOverrideNote"))
        page_box.addSpacing(text_width(self, 1))
        page_box.addWidget(self.database_form, 1)
        page_box.addWidget(restart_note)

        self.pages = QTabWidget()
        self.pages.setObjectName("settingsPages")
        self.pages.addTab(self.general_page, _("General"))
        self.pages.addTab(self.database_page, _("Database"))
        if page == DATABASE_PAGE:
            self.pages.setCurrentWidget(self.database_page)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setObjectName("okButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("cancelButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(buttons)

    def selected_language(self) -> str:
        return str(self.language_combo.currentData())

    def show_page(self, page: str) -> None:
        self.pages.setCurrentWidget(self.database_page if page == DATABASE_PAGE else self.general_page)

    def accept(self) -> None:
        """OK: a new team server is tried first (off the UI thread); then everything is saved."""
        form = self.database_form
        if self._saving or form.testing:
            return
        if form.is_changed() and form.team_selected():
            server = form.check()
            if server is None:                   # errors beside the fields
                self.show_page(DATABASE_PAGE)
                return
            if not (form.last_test == "" and form.last_tested == server):
                self._saving = True
                self.ok_button.setEnabled(False)
                self.show_page(DATABASE_PAGE)
                form.start_test()                # _test_done continues
                return
        self._save()

    def _test_done(self, failure: object) -> None:
        if not self._saving:
            return                               # a test of its own (the Test connection button)
        self._saving = False
        self.ok_button.setEnabled(True)
        if failure and not self.confirm_unreachable(str(failure)):
            return
        self._save()

    def confirm_unreachable(self, message: str) -> bool:
        """The server did not answer the test: save it anyway (True) or go back to the form."""
        answer = QMessageBox.warning(
            self, _("Database"), message + "\n\n" + _("Save these server settings anyway?"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Save

    def offer_restart(self) -> bool:
        """The database choice was saved: restart now (True) or later."""
        return ask_restart(self)

    def _save(self) -> None:
        settings.save_language(self.selected_language())
        settings.save_idle_lock_minutes(self.idle_minutes_spin.value())
        if self.database_form.is_changed():
            if self.database_form.save() is None:
                self.show_page(DATABASE_PAGE)
                return
            self.database_changed = True
            self.restart_requested = self.offer_restart()
        super().accept()

    def done(self, result: int) -> None:
        self.database_form.shutdown()
        super().done(result)
