"""The print preview: builds a document off the UI thread (progress bar, Cancel), shows the reportlab PDF with
QtPdf, and prints it (system print dialog: printer, copies, page range), saves it as PDF, or opens it in the
system's PDF viewer."""
from __future__ import annotations

import logging
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from PySide6.QtCore import QObject, QRect, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QProgressBar, QPushButton, QStackedWidget,
                               QVBoxLayout, QWidget)

from desktop_cs import paths, settings
from desktop_cs.i18n import _
from desktop_cs.services import printing
from desktop_cs.services.errors import ServiceError
from desktop_cs.views.common import ERROR_COLOR, show_error, text_width
from desktop_cs.views.common.workers import LatestOnlyWorker

log = logging.getLogger(__name__)

#: previews older than this are removed when the next preview opens
PREVIEW_KEEP_SECONDS = 24 * 3600
#: pages are rendered for the printer at this resolution at most (memory: an A4 page at 300 dpi is ~35 MB)
MAX_PRINT_DPI = 300
SAVE_DIR_KEY = "printing/save_dir"

Build = Callable[[], object]


def preview_dir() -> Path:
    """Where previews are written (the data folder's pdf/preview), emptied of old files now and then."""
    folder = paths.pdf_dir() / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _clean_old_previews(folder: Path, now: float | None = None) -> None:
    now = now or time.time()
    for old in folder.glob("*.pdf"):
        try:
            if now - old.stat().st_mtime > PREVIEW_KEEP_SECONDS:
                old.unlink()
        except OSError:
            pass


def _unique(folder: Path, name: str) -> Path:
    target = folder / name
    n = 2
    while target.exists():
        target = folder / f"{Path(name).stem} ({n}){Path(name).suffix}"
        n += 1
    return target


@dataclass
class Built:
    """A document built in the background: its PDF file and the name offered when saving it."""

    path: Path
    file_name: str
    pages: int | None


class _Relay(QObject):
    progressed = Signal(int, int)


class PrintPreviewDialog(QDialog):
    """Builds one document in the background, then shows it with Print, Save as PDF and Open in the system viewer.

    BUILD is a function (run off the UI thread) that calls one ``services.printing`` function
    and returns its data; the dialog lays the data out as a PDF (batches of forms report
    their progress and can be cancelled) and shows it.
    """

    def __init__(self, title: str, build: Build, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("printPreviewDialog")
        self.setWindowTitle(_("Print preview — {title}").format(title=title))
        self._build = build
        self.built: Built | None = None
        self.error: str | None = None
        self.kept = False                 # opened in the system viewer: the file stays
        self._cancel = threading.Event()
        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._ready)
        self.worker.failed.connect(self._failed)
        self.relay = _Relay(self)
        self.relay.progressed.connect(self._progressed)

        self.stack = QStackedWidget()
        self.stack.setObjectName("previewStack")
        # page 0: building
        building = QWidget()
        self.status_label = QLabel(_("Building the document…"))
        self.status_label.setObjectName("previewStatusLabel")
        self.status_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.status_label.setWordWrap(True)
        self.progress = QProgressBar()
        self.progress.setObjectName("previewProgress")
        self.progress.setRange(0, 0)          # busy until the first progress report
        self.progress.setMinimumWidth(text_width(self, 50))
        self.cancel_button = QPushButton(_("Cancel"))
        self.cancel_button.setObjectName("previewCancelButton")
        self.cancel_button.clicked.connect(self.cancel)
        box = QVBoxLayout(building)
        box.addStretch(1)
        box.addWidget(self.status_label)
        box.addWidget(self.progress, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignHCenter)
        box.addStretch(1)
        self.stack.addWidget(building)
        # page 1: the document
        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setObjectName("pdfView")
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setDocument(self.document)
        self.stack.addWidget(self.view)

        self.print_button = self._button(_("&Print…"), "printButton", self.print_document)
        self.save_button = self._button(_("&Save as PDF…"), "savePdfButton", self.save_as)
        self.open_button = self._button(_("&Open in PDF viewer"), "openViewerButton", self.open_external)
        self.zoom_out_button = self._button("−", "zoomOutButton", lambda: self._zoom(1 / 1.25))
        self.zoom_in_button = self._button("+", "zoomInButton", lambda: self._zoom(1.25))
        self.fit_button = self._button(_("Fit width"), "fitWidthButton", self._fit_width)
        self.zoom_out_button.setToolTip(_("Zoom out"))
        self.zoom_in_button.setToolTip(_("Zoom in"))
        self.pages_label = QLabel()
        self.pages_label.setObjectName("pagesLabel")
        self.close_button = self._button(_("Close"), "closePreviewButton", self.reject)
        bar = QHBoxLayout()
        for widget in (self.print_button, self.save_button, self.open_button):
            bar.addWidget(widget)
        bar.addSpacing(12)
        for widget in (self.zoom_out_button, self.zoom_in_button, self.fit_button, self.pages_label):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self._set_ready(False)
        self.resize(text_width(self, 110), text_width(self, 110) * 4 // 3)

    def _button(self, text: str, object_name: str, slot) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        return button

    def _set_ready(self, ready: bool) -> None:
        for widget in (self.print_button, self.save_button, self.open_button, self.zoom_in_button,
                       self.zoom_out_button, self.fit_button):
            widget.setEnabled(ready)

    # -- building -------------------------------------------------------------------------------------------
    def start(self) -> None:
        """Build the document off the UI thread; the dialog shows progress until it is there."""
        build = self._build
        self._cancel.clear()
        relay, cancel, folder = self.relay, self._cancel, preview_dir()
        _clean_old_previews(folder)

        def progress(done: int, total: int) -> bool:
            relay.progressed.emit(done, total)
            return not cancel.is_set()

        def job() -> Built:
            document = build()
            if cancel.is_set():
                raise printing.Cancelled(_("Stopped: no document was made."))
            name = printing.file_name(document)
            target = _unique(folder, name)
            try:
                pages = printing.write_pdf(document, target, progress)
            except BaseException:
                target.unlink(missing_ok=True)
                raise
            return Built(target, name, pages)

        self.stack.setCurrentIndex(0)
        self.worker.submit(job)

    def _progressed(self, done: int, total: int) -> None:
        if total:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
            self.status_label.setText(_("Building the document… page {done} of {total}").format(
                done=done, total=total))

    def _ready(self, built: Built) -> None:
        self.built = built
        status = self.document.load(str(built.path))
        if status != QPdfDocument.Error.None_:
            self._failed(RuntimeError(f"QPdfDocument.load: {status}"))
            return
        self.stack.setCurrentIndex(1)
        self.pages_label.setText(_("{n} pages").format(n=self.document.pageCount()))
        self._set_ready(True)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, printing.Cancelled):
            self.error = exc.message
            self.reject()
            return
        if isinstance(exc, ServiceError):
            self.error = exc.message
        else:
            log.error("building a document failed", exc_info=exc)
            self.error = _("The document could not be made: {error}").format(error=exc)
        self.progress.hide()
        self.cancel_button.setText(_("Close"))
        self.cancel_button.clicked.disconnect()
        self.cancel_button.clicked.connect(self.reject)
        self.status_label.setStyleSheet(f"color: {ERROR_COLOR}")
        self.status_label.setText(self.error)

    def cancel(self) -> None:
        """Stop building (the worker notices at its next page) and close."""
        self._cancel.set()
        self.status_label.setText(_("Stopping…"))
        self.cancel_button.setEnabled(False)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until building ends (tests)."""
        return self.worker.wait(msecs)

    # -- viewing ------------------------------------------------------------------------------------------------
    def _zoom(self, factor: float) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.Custom)
        self.view.setZoomFactor(max(0.25, min(self.view.zoomFactor() * factor, 4.0)))

    def _fit_width(self) -> None:
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)

    # -- printing, saving, opening -----------------------------------------------------------------------------
    def print_document(self) -> bool:
        """The system print dialog (printer, copies, page range), then the pages to the printer."""
        if self.built is None:
            return False
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.built.file_name)
        dialog = QPrintDialog(printer, self)
        dialog.setObjectName("printDialog")
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
        dialog.setMinMax(1, self.document.pageCount())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        try:
            self.print_to(printer)
        except RuntimeError as exc:
            show_error(self, _("Printing failed: {error}").format(error=exc))
            return False
        return True

    def print_to(self, printer: QPrinter) -> int:
        """Render the pages the printer asks for (its page range and copies) into it; returns pages sent."""
        count = self.document.pageCount()
        first, last = 1, count
        if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
            first, last = max(printer.fromPage(), 1), min(printer.toPage() or count, count)
        pages = list(range(first - 1, last))
        if not pages:
            return 0
        size = self.document.pagePointSize(pages[0])
        printer.setPageOrientation(QPageLayout.Orientation.Landscape if size.width() > size.height()
                                   else QPageLayout.Orientation.Portrait)
        printer.setFullPage(True)
        copies = 1 if printer.supportsMultipleCopies() else max(printer.copyCount(), 1)
        dpi = min(printer.resolution(), MAX_PRINT_DPI)
        painter = QPainter()
        if not painter.begin(printer):
            raise RuntimeError(_("the printer could not be opened"))
        sent = 0
        try:
            for _copy in range(copies):
                for page in pages:
                    if sent:
                        printer.newPage()
                    points = self.document.pagePointSize(page)
                    image = self.document.render(page, QSize(round(points.width() / 72 * dpi),
                                                             round(points.height() / 72 * dpi)))
                    area = painter.viewport()
                    scaled = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
                    target = QRect(area.x() + (area.width() - scaled.width()) // 2,
                                   area.y() + (area.height() - scaled.height()) // 2, scaled.width(),
                                   scaled.height())
                    painter.drawImage(target, image)
                    sent += 1
        finally:
            painter.end()
        return sent

    def save_as(self) -> Path | None:
        """Ask where (a safe name the program made is offered) and copy the PDF there."""
        if self.built is None:
            return None
        store = settings.qsettings()
        folder = str(store.value(SAVE_DIR_KEY, "") or Path.home())
        chosen, _filter = QFileDialog.getSaveFileName(self, _("Save as PDF"), str(Path(folder) / self.built.file_name),
                                                      _("PDF documents (*.pdf)"))
        if not chosen:
            return None
        target = Path(chosen)
        if target.suffix.lower() != ".pdf":
            target = target.with_name(target.name + ".pdf")
        try:
            shutil.copyfile(self.built.path, target)
        except OSError as exc:
            show_error(self, _("The PDF could not be saved: {error}").format(error=exc.strerror or exc))
            return None
        store.setValue(SAVE_DIR_KEY, str(target.parent))
        return target

    def open_external(self) -> bool:
        """Open the PDF in the system's viewer (the preview file is kept for it)."""
        if self.built is None:
            return False
        self.kept = True
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.built.path)))

    def done(self, code: int) -> None:  # noqa: D401 - Qt override
        self._cancel.set()
        self.worker.wait(60000)
        self.document.close()
        if self.built is not None and not self.kept:
            try:
                self.built.path.unlink(missing_ok=True)
            except OSError:
                pass
        super().done(code)

    @classmethod
    def show_for(cls, title: str, build: Build, parent: QWidget | None = None) -> "PrintPreviewDialog":
        """Open a preview of the document BUILD returns (modal, building in the background)."""
        dialog = cls(title, build, parent)
        dialog.start()
        dialog.exec()
        return dialog


__all__ = ["PrintPreviewDialog", "preview_dir", "Built"]
