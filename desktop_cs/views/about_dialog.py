"""About: the version, where the data lives, how big the database is, and the licences of the bundled parts."""
from __future__ import annotations

import html
from importlib import metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QLocale, QUrl, qVersion
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QTextBrowser,
                               QVBoxLayout, QWidget)

from desktop_cs import paths, version
from desktop_cs.i18n import _
from desktop_cs.views.common import text_width


def _package_version(name: str) -> str:
    """The installed version of a package, read from its metadata (without importing it)."""
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "?"


def database_size() -> int | None:
    """Bytes used by the database file and its write-ahead log; None when there is no database yet."""
    main = paths.database_path()
    if not main.exists():
        return None
    total = main.stat().st_size
    wal = main.with_name(main.name + "-wal")
    if wal.exists():
        total += wal.stat().st_size
    return total


def _link(path, text: str) -> str:
    return f'<a href="{QUrl.fromLocalFile(str(path)).toString()}">{html.escape(text)}</a>'


def licences_html() -> str:
    """The licence notices of the parts shipped with the program, as HTML."""
    fonts = paths.resources_dir() / "fonts"
    e = html.escape
    qt_notice = _("This program uses the Qt libraries under the GNU Lesser General Public License version 3. "
                  "You may replace them with your own build of the same version; the source code is available "
                  "from the Qt Project.")
    parts = [
        f"<p><b>Qt {e(qVersion())} / Qt for Python (PySide6) {e(pyside_version)}</b> — GNU LGPL v3.<br>"
        f"{e(qt_notice)} "
        f'<a href="https://www.gnu.org/licenses/lgpl-3.0.html">LGPL v3</a>, '
        f'<a href="https://download.qt.io/official_releases/">download.qt.io</a></p>',
        f"<p><b>WenQuanYi Micro Hei</b> (文泉驿微米黑) — Apache License 2.0.<br>"
        f"{e(_('The Chinese font used on screen and in the PDF forms.'))} "
        f"{_link(fonts / 'LICENSE-wqy-microhei.txt', _('Copyright notice'))}, "
        f"{_link(fonts / 'LICENSE-Apache-2.0.txt', 'Apache License 2.0')}</p>",
        f"<p><b>ReportLab {e(_package_version('reportlab'))}</b> — BSD licence.<br>"
        f"{e(_('Builds the printed forms and reports.'))}</p>",
        f"<p><b>peewee {e(_package_version('peewee'))}</b> — MIT licence.<br>"
        f"{e(_('Stores the data in the SQLite database.'))}</p>",
        f"<p><b>argon2-cffi {e(_package_version('argon2-cffi'))}</b> — MIT licence.<br>"
        f"{e(_('Protects the stored passwords.'))}</p>",
    ]
    return "".join(parts)


class AboutDialog(QDialog):
    """Shows the version, the data folder, the database size and the licences."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(_("About"))

        title = QLabel(f"<h2>{html.escape(_('Customer Service Desk'))}</h2>")
        title.setObjectName("aboutTitle")

        self.version_label = QLabel(version())
        self.version_label.setObjectName("versionLabel")
        folder = paths.data_dir()
        self.data_folder_label = QLabel(_link(folder, str(folder)))
        self.data_folder_label.setObjectName("dataFolderLabel")
        self.data_folder_label.setOpenExternalLinks(True)
        self.data_folder_label.setWordWrap(True)
        size = database_size()
        size_text = QLocale().formattedDataSize(size) if size is not None else _("no database yet")
        self.database_size_label = QLabel(size_text)
        self.database_size_label.setObjectName("databaseSizeLabel")

        form = QFormLayout()
        form.addRow(_("Version:"), self.version_label)
        form.addRow(_("Data folder:"), self.data_folder_label)
        form.addRow(_("Database size:"), self.database_size_label)

        self.licences = QTextBrowser()
        self.licences.setObjectName("licencesBrowser")
        self.licences.setOpenExternalLinks(True)
        self.licences.setHtml(licences_html())
        self.licences.setMinimumSize(text_width(self, 70), self.fontMetrics().lineSpacing() * 20)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        about_qt = buttons.addButton(_("About Qt"), QDialogButtonBox.ButtonRole.HelpRole)
        about_qt.setObjectName("aboutQtButton")
        about_qt.setAutoDefault(False)
        about_qt.clicked.connect(lambda: QApplication.aboutQt())
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Bundled software and licences:")))
        layout.addWidget(self.licences, 1)
        layout.addWidget(buttons)
