"""The callback schedule tab (回访计划): My day by default, the three musts, and the commands on callbacks."""
from __future__ import annotations

import datetime as dt
import logging
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (QAbstractItemView, QComboBox, QDateEdit, QGridLayout, QGroupBox, QHBoxLayout,
                               QHeaderView, QInputDialog, QLabel, QListWidget, QListWidgetItem, QMainWindow, QMenu,
                               QPushButton, QSplitter, QTableView, QVBoxLayout, QWidget)

from desktop_cs import clock, settings
from desktop_cs.i18n import _, ngettext
from desktop_cs.services import callbacks
from desktop_cs.services.callbacks import MyDay, ThreeMusts
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import ASSIGN, EDIT_SETTINGS, allowed
from desktop_cs.views.callbacks.reminders import ReminderController
from desktop_cs.views.callbacks.table_models import (CALLBACK_COLUMNS, CUSTOMER_ROLE, ID_ROLE, NOT_CONTACTED_COLUMNS,
                                                     RowsModel)
from desktop_cs.views.common import ERROR_COLOR, notice_service_error, show_error, text_width
from desktop_cs.views.common.events import events
from desktop_cs.views.common.workers import LatestOnlyWorker

if TYPE_CHECKING:
    from desktop_cs.models import User

log = logging.getLogger(__name__)

#: the daily rules (periodic care) run this long after start, off the UI thread, once a day per PC
RULES_DELAY_MS = 4000
RULES_DAY_KEY = "callbacks/rules_last_run"
#: My day refreshes itself this often (new due times, other people's writes)
REFRESH_MS = 3 * 60 * 1000
#: ... and this often on a team server, so a callback done on another PC leaves My day within a minute
TEAM_REFRESH_MS = 30 * 1000


def refresh_interval_ms() -> int:
    """How often My day reloads: every 30 s on a team server, every 3 minutes on this PC's own database."""
    from desktop_cs.services import database
    return TEAM_REFRESH_MS if database.is_team_server() else REFRESH_MS
SPLITTER_KEY = "callbacks/splitter"
#: periods of the three musts panel
PERIODS = (("this_week", "This week"), ("this_month", "This month"), ("last_month", "Last month"),
           ("last_30", "Last 30 days"), ("custom", "Custom"))


def period_dates(code: str, today: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last day of a named period (None for "custom")."""
    if code == "this_week":
        start = today - dt.timedelta(days=today.weekday())
        return start, start + dt.timedelta(days=6)
    if code == "this_month":
        start = today.replace(day=1)
        end = (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        return start, end
    if code == "last_month":
        end = today.replace(day=1) - dt.timedelta(days=1)
        return end.replace(day=1), end
    if code == "last_30":
        return today - dt.timedelta(days=29), today
    return None


class DayTable(QTableView):
    """One of My day's lists: whole rows selected, columns sized from a sample, double-click to act."""

    def __init__(self, object_name: str, model: RowsModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setCornerButtonEnabled(False)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        metrics = self.fontMetrics()
        for column, spec in enumerate(model.columns):
            width = max(metrics.horizontalAdvance(spec.sample), metrics.horizontalAdvance(_(spec.title))) + 18
            self.setColumnWidth(column, width)

    def selected_rows(self) -> list:
        model: RowsModel = self.model()  # type: ignore[assignment]
        return [model.row_at(i.row()) for i in self.selectionModel().selectedRows()]


def _group(title: str, object_name: str, widget: QWidget, *extra: QWidget) -> QGroupBox:
    box = QGroupBox(title)
    box.setObjectName(object_name)
    layout = QVBoxLayout(box)
    layout.setContentsMargins(4, 4, 4, 4)
    layout.setSpacing(4)
    layout.addWidget(widget, 1)
    for w in extra:
        layout.addWidget(w)
    return box


class ThreeMustsPanel(QGroupBox):
    """The callback standard as numbers for a chosen period and team member (computed off the UI thread)."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(_("Three musts"), parent)
        self.setObjectName("threeMustsPanel")
        self.actor = actor
        self.specialist_id: int | None = None if allowed(actor, ASSIGN) else actor.id
        self.figures: ThreeMusts | None = None
        self.worker = LatestOnlyWorker(self)
        self.worker.resultReady.connect(self._show)
        self.worker.failed.connect(lambda exc: self.status.setText(getattr(exc, "message", str(exc))))

        self.period_combo = QComboBox()
        self.period_combo.setObjectName("periodCombo")
        for code, text in PERIODS:
            self.period_combo.addItem(_(text), code)
        self.period_combo.setCurrentIndex(1)
        today = clock.today()
        self.from_edit = QDateEdit(QDate(today.year, today.month, 1))
        self.from_edit.setObjectName("periodFrom")
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.to_edit.setObjectName("periodTo")
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._dates_edited)
        self.period_combo.currentIndexChanged.connect(self._period_changed)

        self.values: dict[str, QLabel] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        rows = (("member", _("Member customers reached"), _("target 100%")),
                ("recorded", _("Callbacks recorded completely"), _("target 100%")),
                ("on_time", _("Done within 3 days (first contact: 7)"), _("target 100%")),
                ("overdue", _("Overdue"), _("target 0")))
        for i, (key, title, target) in enumerate(rows):
            name = QLabel(title)
            value = QLabel("—")
            value.setObjectName({"member": "memberCoverageLabel", "recorded": "recordedLabel",
                                 "on_time": "onTimeLabel", "overdue": "overdueLabel"}[key])
            value.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            hint = QLabel(target)
            hint.setStyleSheet("color: palette(mid);")
            grid.addWidget(name, i, 0)
            grid.addWidget(value, i, 1)
            grid.addWidget(hint, i, 2)
            self.values[key] = value
        grid.setColumnStretch(0, 1)
        self.status = QLabel()
        self.status.setObjectName("threeMustsStatus")
        self.status.setWordWrap(True)

        top = QHBoxLayout()
        top.addWidget(self.period_combo)
        top.addWidget(self.from_edit)
        top.addWidget(QLabel("—"))
        top.addWidget(self.to_edit)
        top.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addLayout(top)
        layout.addLayout(grid)
        layout.addWidget(self.status)
        self._period_changed()

    def _period_changed(self, *_args) -> None:
        dates = period_dates(self.period_combo.currentData(), clock.today())
        if dates is not None:
            for edit, day in zip((self.from_edit, self.to_edit), dates):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        self.refresh()

    def _dates_edited(self, *_args) -> None:
        self.period_combo.blockSignals(True)
        self.period_combo.setCurrentIndex(self.period_combo.findData("custom"))
        self.period_combo.blockSignals(False)
        self.refresh()

    def set_specialist(self, specialist_id: int | None) -> None:
        self.specialist_id = specialist_id
        self.refresh()

    def refresh(self) -> None:
        start, end = self.from_edit.date().toPython(), self.to_edit.date().toPython()
        if start > end:
            self.status.setText(_("The period ends before it starts."))
            return
        self.status.setText(_("Counting…"))
        actor, specialist = self.actor, self.specialist_id
        self.worker.submit(lambda: callbacks.three_musts(actor, start, end, specialist))

    def compute_now(self) -> ThreeMusts:
        """Compute on the UI thread (tests, screenshots)."""
        self._show(callbacks.three_musts(self.actor, self.from_edit.date().toPython(),
                                         self.to_edit.date().toPython(), self.specialist_id))
        return self.figures  # type: ignore[return-value]

    def _show(self, figures: ThreeMusts) -> None:
        self.figures = figures
        for key, share in (("member", figures.member_coverage), ("recorded", figures.recorded),
                           ("on_time", figures.on_time)):
            label = self.values[key]
            label.setText(f"{share.percent_text()}  ({share.part}/{share.whole})")
            short = share.ratio is not None and share.ratio < 1
            label.setStyleSheet(f"color: {ERROR_COLOR};" if short else "")
        self.values["overdue"].setText(str(figures.overdue))
        self.values["overdue"].setStyleSheet(f"color: {ERROR_COLOR};" if figures.overdue else "")
        self.status.setText("")


class CallbackScheduleTab(QWidget):
    """Plan, make and record every callback on time: the second of the four working areas."""

    #: (due today, overdue) of the list shown, for the tab title and the status bar
    countsChanged = Signal(int, int)

    def __init__(self, actor: User, parent: QWidget | None = None, start_timers: bool = True):
        super().__init__(parent)
        self.setObjectName("callbacksTab")
        self.actor = actor
        self.is_supervisor = allowed(actor, ASSIGN)
        self.day: MyDay | None = None
        self.counts = (0, 0)
        self._refreshed_at = 0.0          # time.monotonic() of the last successful load

        self._build_toolbar()
        self._build_lists()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addLayout(self._toolbar)
        layout.addWidget(self.my_day_view, 1)

        self.rules_worker = LatestOnlyWorker(self)
        self.rules_worker.resultReady.connect(self._rules_ran)
        self.rules_worker.failed.connect(lambda exc: log.warning("daily callback rules failed: %s", exc))
        self.reminders = ReminderController(actor, self)
        self.reminders.notice.connect(self._show_notice)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setObjectName("myDayRefreshTimer")
        self.refresh_timer.setInterval(refresh_interval_ms())
        self.refresh_timer.timeout.connect(self._timed_refresh)
        self._server_lost = False

        hub = events()
        hub.customersChanged.connect(self._customers_changed)
        hub.callbacksChanged.connect(self.refresh)
        hub.serverUnreachable.connect(self._server_unreachable)
        hub.serverRestored.connect(self._server_restored)
        self._restore_layout()
        self.refresh()
        if start_timers:
            self.reminders.start()
            self.refresh_timer.start()
            QTimer.singleShot(RULES_DELAY_MS, self, self.run_daily_rules)

    # -- building ------------------------------------------------------------------------------------------
    def _button(self, object_name: str, text: str, slot, tooltip: str = "") -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(object_name)
        button.setAutoDefault(False)
        if tooltip:
            button.setToolTip(tooltip)
        button.clicked.connect(slot)
        return button

    def _build_toolbar(self) -> None:
        self.specialist_switch = QComboBox()
        self.specialist_switch.setObjectName("specialistSwitch")
        self.specialist_switch.setToolTip(_("Whose day to show"))
        self.specialist_switch.addItem(_("My day"), None)
        if self.is_supervisor:
            self.specialist_switch.addItem(_("Whole team"), callbacks.TEAM)
            for user_id, name in callbacks.team_members():
                if user_id != self.actor.id:
                    self.specialist_switch.addItem(name, user_id)
            self.specialist_switch.setCurrentIndex(1)
        else:
            self.specialist_switch.hide()
        self.specialist_switch.currentIndexChanged.connect(self._switch_changed)

        self.record_button = self._button("recordButton", _("Record result…"), self.record_selected,
                                          _("Record the selected callback's result (double-click a row)"))
        self.schedule_button = self._button("scheduleCallbackButton", _("Schedule…"), self.schedule,
                                            _("Plan a callback by hand for the selected customer"))
        self.handover_button = self._button("handoverNoteButton", _("Handover note…"), self.write_handover,
                                            _("Write what the next shift must follow up"))
        self.campaign_button = self._button("campaignButton", _("Campaign…"), self.new_campaign,
                                            _("Plan callbacks for customers picked with archive filters"))
        self.rules_button = self._button("rulesButton", _("Rules…"), self.edit_rules,
                                         _("The rules that create callbacks by themselves"))
        self.calendar_button = self._button("calendarButton", _("Calendar…"), self.edit_calendar,
                                            _("Holidays, make-up working days and overrides"))
        self.quiet_button = self._button("quietHoursButton", _("Quiet hours…"), self.edit_quiet_hours,
                                         _("The customers' rest time: no callbacks then"))
        self.summary_label = QLabel()
        self.summary_label.setObjectName("myDaySummary")

        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.specialist_switch)
        row.addSpacing(8)
        for button in (self.record_button, self.schedule_button, self.handover_button):
            row.addWidget(button)
        supervisor_buttons = (self.campaign_button, self.rules_button, self.calendar_button, self.quiet_button)
        if self.is_supervisor:
            row.addSpacing(12)
            row.addWidget(self.campaign_button)
        else:
            self.campaign_button.hide()
        if allowed(self.actor, EDIT_SETTINGS):
            for button in supervisor_buttons[1:]:
                row.addWidget(button)
        else:
            for button in supervisor_buttons[1:]:
                button.hide()
        row.addStretch(1)
        row.addWidget(self.summary_label)
        self._toolbar = row

    def _build_lists(self) -> None:
        self.overdue_model = RowsModel(CALLBACK_COLUMNS, self)
        self.today_model = RowsModel(CALLBACK_COLUMNS, self)
        self.upcoming_model = RowsModel(CALLBACK_COLUMNS, self)
        self.not_contacted_model = RowsModel(NOT_CONTACTED_COLUMNS, self)
        self.overdue_table = DayTable("overdueTable", self.overdue_model)
        self.due_today_table = DayTable("dueTodayTable", self.today_model)
        self.upcoming_table = DayTable("upcomingTable", self.upcoming_model)
        self.not_contacted_table = DayTable("notContactedTable", self.not_contacted_model)
        for table in (self.overdue_table, self.due_today_table, self.upcoming_table):
            table.activated.connect(self._callback_activated)
            table.customContextMenuRequested.connect(lambda pos, t=table: self._callback_menu(t, pos))
        self.not_contacted_table.activated.connect(self._customer_activated)

        self.overdue_box = _group(_("Overdue"), "overdueBox", self.overdue_table)
        self.today_box = _group(_("Due today"), "dueTodayBox", self.due_today_table)
        self.upcoming_box = _group(_("Upcoming"), "upcomingBox", self.upcoming_table)
        self.not_contacted_box = _group(_("New customers not yet contacted"), "notContactedBox",
                                        self.not_contacted_table)

        self.handover_list = QListWidget()
        self.handover_list.setObjectName("handoverList")
        self.handover_list.setWordWrap(True)
        self.handover_list.itemActivated.connect(self._handover_activated)
        self.acknowledge_button = self._button("acknowledgeButton", _("Acknowledge"), self.acknowledge_selected,
                                               _("I have read the selected handover note and take it over"))
        self.handover_box = _group(_("Handover notes"), "handoverBox", self.handover_list, self.acknowledge_button)
        self.three_musts = ThreeMustsPanel(self.actor)
        if self.is_supervisor:
            self.three_musts.specialist_id = None

        left = QSplitter(Qt.Orientation.Vertical)
        left.setObjectName("myDayLeft")
        left.setChildrenCollapsible(False)
        for box in (self.overdue_box, self.today_box, self.upcoming_box):
            left.addWidget(box)
        right = QSplitter(Qt.Orientation.Vertical)
        right.setObjectName("myDayRight")
        right.setChildrenCollapsible(False)
        right.addWidget(self.not_contacted_box)
        right.addWidget(self.handover_box)
        right.addWidget(self.three_musts)
        right.setStretchFactor(0, 3)
        right.setStretchFactor(1, 2)
        right.setStretchFactor(2, 0)
        self.my_day_view = QSplitter(Qt.Orientation.Horizontal)
        self.my_day_view.setObjectName("myDayView")
        self.my_day_view.setChildrenCollapsible(False)
        self.my_day_view.addWidget(left)
        self.my_day_view.addWidget(right)
        self.my_day_view.setStretchFactor(0, 3)
        self.my_day_view.setStretchFactor(1, 2)
        right.setMinimumWidth(text_width(self, 52))
        self.my_day_view.splitterMoved.connect(lambda *_a: self.save_layout())

    # -- data ------------------------------------------------------------------------------------------------
    def scope(self) -> int | str | None:
        """Whose day is shown: None (me), "team", or a specialist's id."""
        return self.specialist_switch.currentData() if self.is_supervisor else None

    def _switch_changed(self, *_args) -> None:
        scope = self.scope()
        self.three_musts.set_specialist(None if scope == callbacks.TEAM else (scope or self.actor.id))
        self.refresh()

    def _customers_changed(self, _ids: list) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Load My day from the service (fast: capped lists, counted with COUNT)."""
        try:
            day = callbacks.my_day(self.actor, self.scope())
        except ServiceError as exc:
            if notice_service_error(exc):      # the team server is gone: the main window's banner says it all
                self.summary_label.setText(_("Not up to date: the team server cannot be reached."))
            else:
                self.summary_label.setText(exc.message)
            return
        self._refreshed_at = time.monotonic()
        self.day = day
        self.overdue_model.set_rows(day.overdue)
        self.today_model.set_rows(day.due_today)
        self.upcoming_model.set_rows(day.upcoming)
        self.not_contacted_model.set_rows(day.not_contacted)
        team = day.scope == "team"
        for table in (self.overdue_table, self.due_today_table, self.upcoming_table):
            table.setColumnHidden(len(CALLBACK_COLUMNS) - 1, not team)
        self.not_contacted_table.setColumnHidden(len(NOT_CONTACTED_COLUMNS) - 1, not team)
        self.overdue_box.setTitle(_("Overdue ({n})").format(n=day.overdue_count))
        self.today_box.setTitle(_("Due today ({n})").format(n=day.due_today_count))
        self.upcoming_box.setTitle(_("Upcoming {days} days ({n})").format(days=callbacks.UPCOMING_DAYS,
                                                                            n=day.upcoming_count))
        self.not_contacted_box.setTitle(_("New customers not contacted after {days} days ({n})").format(
            days=callbacks.NOT_CONTACTED_WARN_DAYS, n=day.not_contacted_count))
        self.handover_box.setTitle(_("Handover notes ({n} unread)").format(n=day.handover_count))
        self.handover_list.clear()
        for h in day.handovers:
            names = "、".join(name for _cid, name in h.customers)
            text = f"{h.created_at.strftime('%m-%d %H:%M')} {h.author}: {h.body}"
            if names:
                text += "\n" + _("Customers: {names}").format(names=names)
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, h.id)
            self.handover_list.addItem(item)
        self.acknowledge_button.setEnabled(bool(day.handovers))
        self.summary_label.setText(_("Today {today} · overdue {overdue} · not contacted {new}").format(
            today=day.due_today_count, overdue=day.overdue_count, new=day.not_contacted_count))
        self.counts = (day.due_today_count, day.overdue_count)
        self.countsChanged.emit(*self.counts)

    def _timed_refresh(self) -> None:
        """The timer's reload; skipped while the team server is unreachable (the banner's poll brings it back)."""
        if not self._server_lost:
            self.refresh()

    def refresh_if_stale(self, max_age_ms: int) -> bool:
        """Reload My day when it is older than MAX_AGE_MS (the main window regains focus); True when it did."""
        if self._server_lost and max_age_ms > 0:
            return False
        if (time.monotonic() - self._refreshed_at) * 1000 < max_age_ms:
            return False
        self.refresh()
        return True

    def _server_unreachable(self, _message: str) -> None:
        self._server_lost = True

    def _server_restored(self) -> None:
        self._server_lost = False

    def title(self, base: str) -> str:
        """BASE with the counts, e.g. "回访计划 (3/2)" (due today / overdue); BASE alone when both are 0."""
        due, overdue = self.counts
        return f"{base} ({due}/{overdue})" if due or overdue else base

    # -- acting on rows ----------------------------------------------------------------------------------------
    def _current_table(self) -> DayTable | None:
        for table in (self.overdue_table, self.due_today_table, self.upcoming_table):
            if table.hasFocus() and table.selectionModel().hasSelection():
                return table
        for table in (self.overdue_table, self.due_today_table, self.upcoming_table):
            if table.selectionModel().hasSelection():
                return table
        return None

    def selected_callback_id(self) -> int | None:
        table = self._current_table()
        rows = table.selected_rows() if table else []
        return rows[0].id if rows else None

    def _callback_activated(self, index: QModelIndex) -> None:
        callback_id = index.data(ID_ROLE)
        if callback_id:
            self.record(callback_id)

    def _customer_activated(self, index: QModelIndex) -> None:
        customer_id = index.data(CUSTOMER_ROLE)
        if customer_id:
            events().openCustomer.emit(customer_id)

    def record_selected(self) -> None:
        callback_id = self.selected_callback_id()
        if callback_id is None:
            self._show_notice(_("Select a callback first."))
            return
        self.record(callback_id)

    def record(self, callback_id: int) -> None:
        from desktop_cs.views.callbacks.record_dialog import CallbackRecordDialog
        try:
            dialog = CallbackRecordDialog(self.actor, callback_id, self)
        except ServiceError as exc:
            show_error(self, exc.message)
            return
        dialog.exec()
        if dialog.rescheduled is not None:
            r = dialog.rescheduled
            text = _("Rescheduled to {time} (try {n}).").format(time=r.due_at.strftime("%Y-%m-%d %H:%M"),
                                                                  n=r.attempts)
            if r.suggest_sms:
                text += " " + _("Three phone tries failed: consider an SMS.")
            self._show_notice(text)
        self.refresh()

    def _callback_menu(self, table: DayTable, pos: QPoint) -> None:
        index = table.indexAt(pos)
        if not index.isValid():
            return
        callback_id, customer_id = index.data(ID_ROLE), index.data(CUSTOMER_ROLE)
        menu = QMenu(self)
        menu.setObjectName("callbackMenu")
        menu.addAction(_("Record result…"), lambda: self.record(callback_id))
        menu.addAction(_("Open the customer"), lambda: events().openCustomer.emit(customer_id))
        if self.is_supervisor:
            menu.addAction(_("Give to another specialist…"), lambda: self.reassign(callback_id, customer_id))
        menu.addAction(_("Cancel the callback…"), lambda: self.cancel_callback(callback_id, customer_id))
        menu.exec(table.viewport().mapToGlobal(pos))

    def reassign(self, callback_id: int, customer_id: int) -> None:
        members = callbacks.team_members()
        if not members:
            return
        names = [name for _id, name in members]
        name, ok = QInputDialog.getItem(self, _("Give to another specialist"), _("Specialist:"), names, 0, False)
        if not ok:
            return
        try:
            callbacks.reassign(self.actor, callback_id, members[names.index(name)][0])
        except ServiceError as exc:
            show_error(self, exc.message)
            return
        events().customersChanged.emit([customer_id])

    def cancel_callback(self, callback_id: int, customer_id: int) -> None:
        reason, ok = QInputDialog.getText(self, _("Cancel the callback"), _("Why is it no longer needed?"))
        if not ok:
            return
        try:
            callbacks.cancel(self.actor, callback_id, reason)
        except ServiceError as exc:
            show_error(self, exc.message)
            return
        events().customersChanged.emit([customer_id])

    def _selected_customer(self) -> tuple[int | None, str]:
        for table in (self.overdue_table, self.due_today_table, self.upcoming_table, self.not_contacted_table):
            rows = table.selected_rows()
            if rows:
                row = rows[0]
                return row.customer_id, getattr(row, "customer_name", None) or getattr(row, "name", "")
        return None, ""

    def schedule(self) -> None:
        from desktop_cs.views.callbacks.schedule_dialog import ScheduleDialog
        customer_id, name = self._selected_customer()
        if ScheduleDialog.ask(self.actor, customer_id, name, self) is not None:
            self.refresh()

    def write_handover(self) -> None:
        from desktop_cs.views.callbacks.handover_dialog import HandoverDialog
        links = []
        for table in (self.overdue_table, self.due_today_table, self.upcoming_table, self.not_contacted_table):
            for row in table.selected_rows():
                if hasattr(row, "due_at"):
                    links.append((row.customer_id, row.id, f"{row.customer_name} · {row.purpose} · "
                                                          f"{row.due_at.strftime('%m-%d %H:%M')}"))
                else:
                    links.append((row.customer_id, None, row.name))
        if HandoverDialog.ask(self.actor, links, self) is not None:
            self._show_notice(_("The handover note was saved."))

    def _handover_activated(self, item: QListWidgetItem) -> None:
        self.acknowledge_selected()

    def acknowledge_selected(self) -> None:
        items = self.handover_list.selectedItems() or ([self.handover_list.item(0)]
                                                       if self.handover_list.count() == 1 else [])
        if not items:
            self._show_notice(_("Select a handover note first."))
            return
        try:
            for item in items:
                callbacks.acknowledge(self.actor, item.data(Qt.ItemDataRole.UserRole))
        except ServiceError as exc:
            show_error(self, exc.message)
        self.refresh()

    # -- supervisor commands ------------------------------------------------------------------------------------
    def new_campaign(self) -> None:
        from desktop_cs.views.callbacks.campaign_dialog import CampaignDialog
        dialog = CampaignDialog(self.actor, self)
        if dialog.exec() and dialog.result_ is not None:
            r = dialog.result_
            self._show_notice(ngettext("The campaign has {n} callback ({s:.1f} s).",
                                       "The campaign has {n} callbacks ({s:.1f} s).", r.created).format(
                n=r.created, s=r.seconds))
            self.refresh()

    def edit_rules(self) -> None:
        from desktop_cs.views.callbacks.settings_dialogs import RulesDialog
        RulesDialog(self.actor, self).exec()

    def edit_calendar(self) -> None:
        from desktop_cs.views.callbacks.settings_dialogs import CalendarDialog
        CalendarDialog(self.actor, self).exec()

    def edit_quiet_hours(self) -> None:
        from desktop_cs.views.callbacks.settings_dialogs import QuietHoursDialog
        QuietHoursDialog(self.actor, self).exec()

    # -- background --------------------------------------------------------------------------------------------
    def run_daily_rules(self) -> None:
        """Periodic care by tier, once a day per PC, off the UI thread (idempotent anyway)."""
        today = clock.today().isoformat()
        store = settings.qsettings()
        if store.value(RULES_DAY_KEY) == today:
            return
        store.setValue(RULES_DAY_KEY, today)
        actor = self.actor
        self.rules_worker.submit(lambda: callbacks.run_periodic_care(actor))

    def _rules_ran(self, result) -> None:
        if result.created:
            self._show_notice(ngettext("{n} periodic-care callback was planned.",
                                       "{n} periodic-care callbacks were planned.", result.created).format(
                n=result.created))
            self.refresh()

    def _show_notice(self, text: str) -> None:
        """A non-blocking line in the main window's status bar (the summary label otherwise)."""
        window = self.window()
        if isinstance(window, QMainWindow):
            window.statusBar().showMessage(text.replace("\n", " · "), 30000)
        else:
            self.summary_label.setToolTip(text)

    # -- layout ----------------------------------------------------------------------------------------------
    def _restore_layout(self) -> None:
        state = settings.qsettings().value(SPLITTER_KEY)
        if state is not None:
            self.my_day_view.restoreState(state)

    def save_layout(self) -> None:
        settings.qsettings().setValue(SPLITTER_KEY, self.my_day_view.saveState())

    def shutdown(self) -> None:
        """Stop the timers and wait for background work (the window is closing)."""
        self.reminders.stop()
        self.refresh_timer.stop()
        self.rules_worker.cancel()
        self.rules_worker.wait(5000)
        self.three_musts.worker.cancel()
        self.three_musts.worker.wait(5000)
