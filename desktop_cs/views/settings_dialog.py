"""Preferences of this PC (stored in settings.ini of the data folder): the interface language and the idle lock."""
from __future__ import annotations

from PySide6.QtWidgets import (QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout,
                               QWidget)

from desktop_cs import i18n, settings
from desktop_cs.i18n import _
from desktop_cs.views.common import text_width


class SettingsDialog(QDialog):
    """The interface language (applies at the next start) and the minutes before the screen locks (at once)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(_("Settings"))

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

        form = QFormLayout()
        form.addRow(_("Language:"), self.language_combo)
        form.addRow("", note)
        form.addRow(_("Lock the screen after:"), self.idle_minutes_spin)
        form.addRow("", idle_note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setObjectName("okButton")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setObjectName("cancelButton")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)

    def selected_language(self) -> str:
        return str(self.language_combo.currentData())

    def accept(self) -> None:
        settings.save_language(self.selected_language())
        settings.save_idle_lock_minutes(self.idle_minutes_spin.value())
        super().accept()
