"""About: the version, where the data lives, how big the database is, and the licences of the bundled parts."""
from __future__ import annotations

import html

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QLibraryInfo, QLocale, QUrl, qVersion
from PySide6.QtWidgets import (QApplication, QDialog, QDialogButtonBox, QFormLayout, QLabel, QTextBrowser,
                               QVBoxLayout, QWidget)

from desktop_cs import paths, third_party, version
from desktop_cs.i18n import _
from desktop_cs.views.common import text_width


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


#: links to the licence and the sources of Qt (LGPL: the user may rebuild and replace the libraries)
_QT_LINKS = ('<a href="https://www.gnu.org/licenses/lgpl-3.0.html">LGPL v3</a>, '
             '<a href="https://download.qt.io/official_releases/">download.qt.io</a>')


def _part_html(part: third_party.Part, heading: str, notes: list[str], links: str = "") -> str:
    """One part: its name and version, its licence, NOTES (translated text) and links to its licence texts."""
    e = html.escape
    lines = [f"<b>{e(heading)}</b> — {e(part.licence)}"]
    lines += [e(note) for note in notes]
    files = third_party.licence_files(part)
    if files or links:
        label = _("Licence texts:")
        lines.append(f"{e(label)} " + ", ".join([*(_link(p, p.name) for p in files), *filter(None, [links])]))
    return "<p>" + "<br>".join(lines) + "</p>"


def licences_html() -> str:
    """The licence notices of the parts shipped with the program, as HTML (the list is desktop_cs.third_party)."""
    e = html.escape
    qt_notice = _("This program uses the Qt libraries under the GNU Lesser General Public License version 3. "
                  "You may replace them with your own build of the same version; the source code is available "
                  "from the Qt Project.")
    qt_folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.LibrariesPath)
    parts = []
    for part in third_party.PARTS:
        heading = f"{part.name} {third_party.version(part)}".strip()
        if part is third_party.QT:
            heading = f"Qt {qVersion()} / Qt for Python (PySide6) {pyside_version}"
            notes = [qt_notice, _("The Qt libraries of this program are in {folder}.").format(folder=qt_folder)]
            parts.append(_part_html(part, heading, notes, _QT_LINKS))
            continue
        notes = []
        if "LGPL" in part.licence:
            notes = [_("Its Python files lie unpacked in the program folder, so they may be replaced.")]
        parts.append(_part_html(part, heading, notes))
    if third_party.system_libraries_note_applies():
        parts.append("<p>" + e(_(
            "This Linux build also carries system libraries of the machine it was built on (GLib, fontconfig, "
            "FreeType, CUPS, GnuTLS, libxcb and others), each under its own licence, mostly LGPL and MIT; "
            "their sources are at sources.debian.org.")) + "</p>")
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
