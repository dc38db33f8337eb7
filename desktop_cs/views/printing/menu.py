"""The main window's Print menu: callback record forms (blank, for the selected callback, a day's batch), the
callback summary, complaint analysis, points statement and summary, staff evaluation and enquiry summary, and the
company logo printed on them. Nothing here imports reportlab or QtPdf until a document is asked for."""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from desktop_cs.i18n import _
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import EDIT_SETTINGS, REPORTS, allowed
from desktop_cs.views.common import show_error

if TYPE_CHECKING:
    from desktop_cs.models import User
    from desktop_cs.views.printing.preview import PrintPreviewDialog


def preview(parent: QWidget | None, title: str, build: Callable[[], object]) -> PrintPreviewDialog:
    """Open the print preview of the document BUILD returns (built in the background)."""
    from desktop_cs.views.printing.preview import PrintPreviewDialog
    return PrintPreviewDialog.show_for(title, build, parent)


def preview_callback_form(actor: User, callback_id: int, parent: QWidget | None = None) -> PrintPreviewDialog:
    """The filled record form of one callback, in the preview (the record form's Print button uses this)."""
    from desktop_cs.services import printing
    return preview(parent, _(printing.DOCUMENT_TITLES["callback_forms"]),
                   lambda: printing.callback_forms(actor, callback_ids=[callback_id]))


class PrintMenu(QMenu):
    """&Print: one entry per document; reports are disabled for those who may not print them."""

    def __init__(self, window, parent: QWidget | None = None):
        super().__init__(_("&Print"), parent or window)
        self.setObjectName("printMenu")
        self.window_ = window
        self.actor: User = window.user
        reports = allowed(self.actor, REPORTS)
        self.blank_form_action = self._add(_("Blank callback record form"), "printBlankFormAction",
                                           self.blank_form)
        self.selected_form_action = self._add(_("Record form of the selected callback…"), "printSelectedFormAction",
                                              self.selected_form)
        self.batch_forms_action = self._add(_("Callback record forms for a day…"), "printBatchFormsAction",
                                            self.batch_forms)
        self.addSeparator()
        self.callback_summary_action = self._add(_("Callback summary report…"), "printCallbackSummaryAction",
                                                 lambda: self.report("callback_summary"), reports)
        self.complaint_report_action = self._add(_("Complaint analysis report…"), "printComplaintReportAction",
                                                 lambda: self.report("complaint_report"), reports)
        self.points_statement_action = self._add(_("Points statement of the selected customer…"),
                                                 "printPointsStatementAction", self.points_statement, reports)
        self.points_summary_action = self._add(_("Points summary…"), "printPointsSummaryAction",
                                               lambda: self.report("points_summary"), reports)
        self.staff_report_action = self._add(_("Staff evaluation…"), "printStaffReportAction",
                                             lambda: self.report("staff_report"), reports)
        self.enquiry_summary_action = self._add(_("Enquiry summary…"), "printEnquirySummaryAction",
                                                lambda: self.report("enquiry_summary"), reports)
        if allowed(self.actor, EDIT_SETTINGS):
            self.addSeparator()
            self.logo_action = self._add(_("Company logo on prints…"), "printLogoAction", self.choose_logo)
            self.remove_logo_action = self._add(_("Remove the company logo"), "removeLogoAction", self.remove_logo)

    def _add(self, text: str, object_name: str, slot, enabled: bool = True) -> QAction:
        action = QAction(text, self)
        action.setObjectName(object_name)
        action.triggered.connect(lambda _checked=False: slot())
        action.setEnabled(enabled)
        if not enabled:
            action.setToolTip(_("Reports are printed by a supervisor."))
        self.addAction(action)
        return action

    def _title(self, kind: str) -> str:
        from desktop_cs.services import printing
        return _(printing.DOCUMENT_TITLES[kind])

    def _notice(self, text: str) -> None:
        self.window_.statusBar().showMessage(text, 6000)

    # -- the documents ----------------------------------------------------------------------------------------
    def blank_form(self):
        from desktop_cs.services import printing
        actor = self.actor
        return preview(self.window_, self._title("callback_forms"), lambda: printing.callback_forms(actor, blank=True))

    def selected_form(self):
        callback_id = self.window_.callbacks_tab.selected_callback_id()
        if callback_id is None:
            self.window_.tabs.setCurrentWidget(self.window_.callbacks_tab)
            QMessageBox.information(self.window_, self._title("callback_forms"),
                                    _("Select a callback in the callback schedule first."))
            return None
        return preview_callback_form(self.actor, callback_id, self.window_)

    def batch_forms(self):
        from desktop_cs.services import printing
        from desktop_cs.views.printing.options_dialog import PrintOptionsDialog
        options = PrintOptionsDialog.ask(self.actor, "callback_forms", _("Callback record forms for a day"),
                                         self.window_, default_period="today")
        if options is None:
            return None
        actor = self.actor
        return preview(self.window_, self._title("callback_forms"), lambda: printing.callback_forms(
            actor, date_from=options.date_from, date_to=options.date_to, specialist_id=options.specialist_id,
            blank=options.blank, full_values=options.full_values))

    def report(self, kind: str):
        from desktop_cs.services import printing
        from desktop_cs.views.printing.options_dialog import PrintOptionsDialog
        options = PrintOptionsDialog.ask(self.actor, kind, self._title(kind), self.window_)
        if options is None:
            return None
        actor, o = self.actor, options
        builders = {
            "callback_summary": lambda: printing.callback_summary(actor, o.date_from, o.date_to, o.specialist_id),
            "complaint_report": lambda: printing.complaint_report(actor, o.date_from, o.date_to),
            "points_summary": lambda: printing.points_summary(actor, o.date_from, o.date_to),
            "staff_report": lambda: printing.staff_report(actor, o.date_from, o.date_to, o.specialist_id),
            "enquiry_summary": lambda: printing.enquiry_summary(actor, o.date_from, o.date_to, o.specialist_id),
        }
        return preview(self.window_, self._title(kind), builders[kind])

    def selected_customer(self) -> int | None:
        """The customer shown in the points tab, else the one selected in the archive."""
        w = self.window_
        points_tab = getattr(w, "points_tab", None)
        if points_tab is not None and w.tabs.currentWidget() is points_tab and points_tab.customer_id:
            return points_tab.customer_id
        current = w.customers_tab.current_id()
        if current is not None:
            return current
        return getattr(points_tab, "customer_id", None)

    def points_statement(self):
        from desktop_cs.services import printing
        customer_id = self.selected_customer()
        if customer_id is None:
            QMessageBox.information(self.window_, self._title("points_statement"),
                                    _("Select a customer in the archive or the points tab first."))
            return None
        full_values = False
        from desktop_cs.services.permissions import UNMASK
        if allowed(self.actor, UNMASK):
            from desktop_cs.views.printing.options_dialog import PrintOptionsDialog
            options = PrintOptionsDialog.ask(self.actor, "points_statement", self._title("points_statement"),
                                             self.window_)
            if options is None:
                return None
            full_values = options.full_values
        actor = self.actor
        return preview(self.window_, self._title("points_statement"),
                       lambda: printing.points_statement(actor, customer_id, full_values=full_values))

    # -- the logo -------------------------------------------------------------------------------------------
    def choose_logo(self) -> bool:
        from desktop_cs.services import team_settings
        chosen, _filter = QFileDialog.getOpenFileName(self.window_, _("Company logo on prints"), "",
                                                      _("Images (*.png *.jpg *.jpeg)"))
        if not chosen:
            return False
        try:
            with open(chosen, "rb") as f:
                data = f.read(team_settings.MAX_LOGO_BYTES + 1)
            team_settings.set_logo(self.actor, data, chosen.replace("\\", "/").rsplit("/", 1)[-1])
        except OSError as exc:
            show_error(self.window_, _("The file could not be read: {error}").format(error=exc.strerror or exc))
            return False
        except ServiceError as exc:
            show_error(self.window_, exc.message)
            return False
        self._notice(_("The logo is printed at the top of every document from now on."))
        return True

    def remove_logo(self) -> None:
        from desktop_cs.services import team_settings
        try:
            team_settings.set_logo(self.actor, None)
        except ServiceError as exc:
            show_error(self.window_, exc.message)
            return
        self._notice(_("Documents are printed without a logo from now on."))
