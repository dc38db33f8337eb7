"""The complaint log tab (投诉记录): filters, the lazy list (overdue rows red, escalated rows amber), the complaint page,
intake, harassing numbers, the supervisor's lists, and reminders of promised replies."""
from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtWidgets import (QCheckBox, QComboBox, QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget)

from desktop_cs import clock, settings
from desktop_cs.i18n import N_, _, ngettext
from desktop_cs.services import complaints, labels
from desktop_cs.services.complaints import ComplaintQuery
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import ASSIGN, EDIT_SETTINGS, allowed
from desktop_cs.views.common import notice_service_error, show_error, text_width
from desktop_cs.views.common.list_table import ListTable
from desktop_cs.views.common.events import events
from desktop_cs.views.complaints.complaint_dialog import ComplaintDialog
from desktop_cs.views.complaints.complaint_page import ComplaintPage
from desktop_cs.views.complaints.signals import complaint_events
from desktop_cs.views.complaints.table_model import COLUMNS, ComplaintTableModel

if TYPE_CHECKING:
    from desktop_cs.models import User

log = logging.getLogger(__name__)

HEADER_KEY = "complaint_log/header"
SPLITTER_KEY = "complaint_log/splitter"
#: the page follows the current row after this pause
PAGE_DELAY_MS = 120
#: reminders of promised replies: the first check after start, then one every few minutes
FIRST_CHECK_MS = 2000
REMINDER_MS = 3 * 60 * 1000
_ME = "me"
PERIODS = (("all", N_("All time")), ("today", N_("Today")), ("7", N_("Last 7 days")), ("30", N_("Last 30 days")),
           ("month", N_("This month")), ("year", N_("This year")))


def period_dates(code: str, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of a period code ("all": no bounds)."""
    if code == "today":
        return today, today
    if code in ("7", "30"):
        return today - dt.timedelta(days=int(code) - 1), today
    if code == "month":
        return today.replace(day=1), today
    if code == "year":
        return today.replace(month=1, day=1), today
    return None, None


class ComplaintTable(ListTable):
    """The complaint list: whole rows, fixed row height (rows never measured), Enter shows the complaint."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__("complaintTable", parent)


class ComplaintLogTab(QWidget):
    """Accept, follow and close every complaint: the third of the four working areas."""

    #: a reminder's text (promised replies due soon or newly overdue), for the status bar
    notice = Signal(str)
    #: (overdue promised replies, open escalations) for the tab title
    countsChanged = Signal(int, int)

    def __init__(self, actor: User, parent: QWidget | None = None, start_timers: bool = True):
        super().__init__(parent)
        self.setObjectName("complaintsTab")
        self.actor = actor
        self.is_supervisor = allowed(actor, ASSIGN)
        self.counts = (0, 0)
        self._reminded: set[int] = set()
        self._reminder_since: dt.datetime | None = None
        self._refreshed_at = time.monotonic()     # of the list on screen (refresh_if_stale)

        self.model = ComplaintTableModel(actor, self)
        self._build_buttons()
        self._build_filters()
        self.table = ComplaintTable()
        self.table.setModel(self.model)
        self.page = ComplaintPage(actor)
        self.page.setMinimumWidth(text_width(self, 46))
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("complaintSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(self.page)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addLayout(self._button_row)
        layout.addLayout(self._filter_row)
        layout.addWidget(self.splitter, 1)

        self._page_timer = QTimer(self)
        self._page_timer.setSingleShot(True)
        self._page_timer.setInterval(PAGE_DELAY_MS)
        self._page_timer.timeout.connect(self._show_current)
        self.reminder_timer = QTimer(self)
        self.reminder_timer.setObjectName("complaintReminderTimer")
        self.reminder_timer.setInterval(REMINDER_MS)
        self.reminder_timer.timeout.connect(self.check_reminders)

        self._restore_layout()
        self.reload()
        self.table.selectionModel().currentRowChanged.connect(lambda *_a: self._page_timer.start())
        self.page.changed.connect(self._page_changed)
        hub = complaint_events()
        hub.complaintsChanged.connect(self._complaints_changed)
        hub.openComplaint.connect(self.show_complaint)
        events().openComplaintDraft.connect(self.new_complaint_draft)
        events().referenceDataChanged.connect(self._load_filters)
        header = self.table.horizontalHeader()
        header.sectionResized.connect(lambda *_a: self._save_later())
        if start_timers:
            QTimer.singleShot(FIRST_CHECK_MS, self, self.check_reminders)
            self.reminder_timer.start()

    # -- building ----------------------------------------------------------------------------------------
    def _button(self, object_name: str, text: str, slot, tooltip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAutoDefault(False)
        if tooltip:
            button.setToolTip(tooltip)
        button.clicked.connect(slot)
        return button

    def _build_buttons(self) -> None:
        self.new_button = self._button("newComplaintButton", _("New complaint…"), lambda: self.new_complaint(),
                                       _("Accept a complaint from a customer or a caller's number (Ctrl+Shift+N)"))
        self.harassing_button = self._button("harassingButton", _("Harassing call…"), self.harassing,
                                             _("Log a harassing call or mark a number; supervisors see the list"))
        self.lists_button = self._button("complaintListsButton", _("Lists…"), self.edit_lists,
                                         _("Categories, root causes and deadlines per severity"))
        self.summary_label = QLabel()
        self.summary_label.setObjectName("complaintSummary")
        self.notice_label = QLabel()
        self.notice_label.setObjectName("complaintNotice")
        self.notice_label.setStyleSheet("color: #c62828;")
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.new_button)
        row.addWidget(self.harassing_button)
        if allowed(self.actor, EDIT_SETTINGS):
            row.addWidget(self.lists_button)
        else:
            self.lists_button.hide()
        row.addSpacing(12)
        row.addWidget(self.notice_label, 1)
        row.addWidget(self.summary_label)
        self._button_row = row

    def _combo(self, object_name: str, tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.setObjectName(object_name)
        combo.setToolTip(tooltip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.currentIndexChanged.connect(self._filters_changed)
        return combo

    def _check(self, object_name: str, text: str, tooltip: str) -> QCheckBox:
        check = QCheckBox(text)
        check.setObjectName(object_name)
        check.setToolTip(tooltip)
        check.toggled.connect(self._filters_changed)
        return check

    def _build_filters(self) -> None:
        self.status_combo = self._combo("statusFilter", _("State"))
        self.category_combo = self._combo("categoryFilter", _("Category"))
        self.severity_combo = self._combo("severityFilter", _("Severity"))
        self.handler_combo = self._combo("handlerFilter", _("Handler"))
        self.period_combo = self._combo("periodFilter", _("Received in this period"))
        self.overdue_check = self._check("overdueFilter", _("Overdue"), _("The promised reply time passed without "
                                                                           "a contact"))
        self.escalated_check = self._check("escalatedFilter", _("Escalated"), _("Escalated to the supervisor"))
        self.repeat_check = self._check("repeatFilter", _("Repeat"), _("Repeat complaints"))
        self.count_label = QLabel()
        self.count_label.setObjectName("complaintCountLabel")
        self.clear_button = self._button("clearComplaintFiltersButton", _("Clear filters"), self.clear_filters)
        self._load_filters()
        row = QHBoxLayout()
        row.setSpacing(6)
        for widget in (self.status_combo, self.category_combo, self.severity_combo, self.handler_combo,
                       self.period_combo, self.overdue_check, self.escalated_check, self.repeat_check,
                       self.clear_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.count_label)
        self._filter_row = row

    @staticmethod
    def _fill(combo: QComboBox, items: list) -> None:
        current = combo.currentData()
        combo.blockSignals(True)
        combo.clear()
        for text, data in items:
            combo.addItem(text, data)
        index = combo.findData(current) if current is not None else 0
        combo.setCurrentIndex(max(index, 0))
        combo.blockSignals(False)

    def _load_filters(self) -> None:
        self._fill(self.status_combo, [(_("All states"), None), (_("Not closed"), "open")]
                   + [(text, code) for code, text in labels.choices(labels.COMPLAINT_STATUSES)])
        self._fill(self.category_combo, [(_("All categories"), None)]
                   + [(c.name, c.id) for c in complaints.categories(include_inactive=True)])
        self._fill(self.severity_combo, [(_("All severities"), None)]
                   + [(text, code) for code, text in labels.choices(labels.SEVERITIES)])
        self._fill(self.handler_combo, [(_("All handlers"), None), (_("Handled by me"), _ME)]
                   + [(name, uid) for uid, name in complaints.handlers()])
        self._fill(self.period_combo, [(_(text), code) for code, text in PERIODS])

    # -- the query ------------------------------------------------------------------------------------------
    def current_query(self) -> ComplaintQuery:
        handler = self.handler_combo.currentData()
        date_from, date_to = period_dates(self.period_combo.currentData() or "all", clock.today())
        return ComplaintQuery(
            status=self.status_combo.currentData(), category_id=self.category_combo.currentData(),
            severity=self.severity_combo.currentData(),
            handler_id=self.actor.id if handler == _ME else handler,
            overdue=self.overdue_check.isChecked(), escalated=self.escalated_check.isChecked(),
            repeat=self.repeat_check.isChecked(), date_from=date_from, date_to=date_to)

    def _filters_changed(self, *_args) -> None:
        if not hasattr(self, "table"):
            return
        self.reload()

    def clear_filters(self) -> None:
        for combo in (self.status_combo, self.category_combo, self.severity_combo, self.handler_combo,
                      self.period_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        for check in (self.overdue_check, self.escalated_check, self.repeat_check):
            check.blockSignals(True)
            check.setChecked(False)
            check.blockSignals(False)
        self.reload()

    def reload(self) -> None:
        """Load the first page for the filters on screen (keeping the complaint shown), and the counts."""
        shown = self.page.complaint_id()
        try:
            self.model.setQuery(self.current_query())
        except ServiceError as error:
            show_error(self, error.message)
            return
        self._after_load(shown)

    def refresh_if_stale(self, max_age_ms: int) -> bool:
        """Team mode, the window regains focus: reload the list (keeping its place and the complaint shown) and
        the counts when older than MAX_AGE_MS, without a message box; True when it did."""
        if (time.monotonic() - self._refreshed_at) * 1000 < max_age_ms:
            return False
        shown = self.page.complaint_id()
        try:
            self.model.refresh()
            self._after_load(shown)
        except ServiceError as error:
            notice_service_error(error)       # the team server is gone: the main window's banner
            return False
        return True

    def _after_load(self, shown: int | None) -> None:
        self._refreshed_at = time.monotonic()
        self._update_count()
        self._update_summary()
        row = self.model.row_of(shown) if shown is not None else -1
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        if shown is not None:
            self.page.set_complaint(shown)

    def _update_count(self) -> None:
        if self.model.hasMoreRows():
            n = complaints.count(self.actor, self.model.query())
        else:
            n = self.model.rowCount()
        self.count_label.setText(ngettext("{n} complaint", "{n} complaints", n).format(n=n))

    def _update_summary(self) -> None:
        try:
            due = complaints.complaints_due(self.actor, complaints.TEAM if self.is_supervisor else None, limit=1)
        except ServiceError:
            return
        self.counts = (due.overdue_count, due.escalated_count)
        self.summary_label.setText(_("Overdue replies {overdue} · due today {today} · escalated {escalated}").format(
            overdue=due.overdue_count, today=due.due_today_count, escalated=due.escalated_count))
        self.countsChanged.emit(*self.counts)

    def title(self, base: str) -> str:
        """BASE with the overdue promised replies, e.g. "投诉记录 (2)"; BASE alone when there are none."""
        return f"{base} ({self.counts[0]})" if self.counts[0] else base

    # -- selection and the page ----------------------------------------------------------------------------
    def current_id(self) -> int | None:
        index = self.table.selectionModel().currentIndex()
        return self.model.complaint_id(index.row()) if index.isValid() else None

    def _show_current(self) -> None:
        complaint_id = self.current_id()
        if complaint_id is not None and complaint_id != self.page.complaint_id():
            self.page.set_complaint(complaint_id)

    def show_complaint(self, complaint_id: int) -> None:
        """Select COMPLAINT_ID in the list if it is loaded, and show it on the page in any case."""
        row = self.model.row_of(complaint_id)
        if row >= 0:
            self.table.selectionModel().setCurrentIndex(
                self.model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
            self.table.scrollTo(self.model.index(row, 0))
        self._page_timer.stop()
        self.page.set_complaint(complaint_id)

    def _page_changed(self, _complaint_id: int) -> None:
        pass        # the broadcast that follows reloads the list

    def _complaints_changed(self, ids: list) -> None:
        shown = self.page.complaint_id()
        try:
            self.model.refresh()
        except ServiceError as error:
            show_error(self, error.message)
            return
        self._after_load(shown if shown is not None else (ids[0] if len(ids) == 1 else None))

    # -- commands -------------------------------------------------------------------------------------------
    def new_complaint(self, customer_id: int | None = None, text: str = "", caller_number: str = "") -> int | None:
        """Open the intake form; the new complaint is shown once saved."""
        result = ComplaintDialog.ask(self, self.actor, customer_id, text, caller_number)
        if result is None:
            return None
        self.show_complaint(result.complaint_id)
        return result.complaint_id

    def new_complaint_draft(self, customer_id: int, text: str) -> None:
        """From an unsatisfied callback result: the intake form with the customer and their words filled in."""
        self.new_complaint(customer_id or None, text)

    def harassing(self) -> None:
        from desktop_cs.views.complaints.harassing_dialog import HarassingDialog
        HarassingDialog.ask(self, self.actor)

    def edit_lists(self) -> None:
        from desktop_cs.views.complaints.lists_dialog import ComplaintListsDialog
        if ComplaintListsDialog.ask(self, self.actor):
            self._load_filters()
            self.reload()

    # -- reminders of promised replies -----------------------------------------------------------------------
    def check_reminders(self) -> str:
        """Promised replies due within 30 minutes or newly overdue (each told once); returns the notice."""
        now = clock.now()
        try:
            found = complaints.due_reminders(self.actor, now, self._reminder_since)
        except ServiceError:
            log.exception("complaint reminder check failed")
            return ""
        self._reminder_since = now
        found.due_soon = [r for r in found.due_soon if r.id not in self._reminded]
        found.newly_overdue = [r for r in found.newly_overdue if -r.id not in self._reminded]
        self._reminded.update(r.id for r in found.due_soon)
        self._reminded.update(-r.id for r in found.newly_overdue)
        if found.empty():
            return ""
        text = found.text()
        self.notice_label.setText(text.replace("\n", " · "))
        self.notice.emit(text)
        self._update_summary()
        return text

    # -- layout -----------------------------------------------------------------------------------------------
    def _default_column_widths(self) -> None:
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader().fontMetrics()
        widest = text_width(self.table, 40)
        for index, column in enumerate(COLUMNS):
            width = max(header.horizontalAdvance(_(column.title)) + 20, metrics.horizontalAdvance(column.sample) + 16)
            self.table.setColumnWidth(index, min(width, widest))

    def _restore_layout(self) -> None:
        self._default_column_widths()
        store = settings.qsettings()
        state = store.value(HEADER_KEY)
        if isinstance(state, QByteArray):
            self.table.horizontalHeader().restoreState(state)
        splitter = store.value(SPLITTER_KEY)
        if not (isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)):
            self.splitter.setSizes([860, 480])

    def _save_later(self) -> None:
        if not hasattr(self, "_save_timer"):
            self._save_timer = QTimer(self)
            self._save_timer.setSingleShot(True)
            self._save_timer.setInterval(500)
            self._save_timer.timeout.connect(self.save_layout)
        self._save_timer.start()

    def save_layout(self) -> None:
        store = settings.qsettings()
        store.setValue(HEADER_KEY, self.table.horizontalHeader().saveState())
        store.setValue(SPLITTER_KEY, self.splitter.saveState())
        store.sync()

    def shutdown(self) -> None:
        """Before the window closes: stop the timers and remember the layout."""
        self.reminder_timer.stop()
        self.save_layout()
