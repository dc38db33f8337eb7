"""The points tab (积分): pick a customer, see the balance, pending, expiring and the ledger; the points commands."""
from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QAbstractItemView, QFrame, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
                               QListWidget, QListWidgetItem, QPushButton, QSplitter, QTableView, QVBoxLayout,
                               QWidget)

from desktop_cs.i18n import _, ngettext
from desktop_cs.services import customers, labels, points
from desktop_cs.services.customers import CustomerQuery
from desktop_cs.services.errors import ServiceError
from desktop_cs.services.permissions import APPROVE_POINTS, EDIT_SETTINGS, REPORTS, allowed
from desktop_cs.views.common import ERROR_COLOR, show_error, text_width, wait_cursor
from desktop_cs.views.common.events import events
from desktop_cs.views.common.workers import LatestOnlyWorker
from desktop_cs.views.points.dialogs import AdjustDialog, RecordEventDialog, RedeemDialog, ReverseDialog
from desktop_cs.views.points.ledger_model import COLUMNS, LedgerModel, signed
from desktop_cs.views.points.team_dialogs import (_item, _table, ExpiringDialog, PendingDialog, ReconcileDialog, RulesDialog,
                                                  SummaryDialog, ask_text)

if TYPE_CHECKING:
    from desktop_cs.models import User

SEARCH_DELAY_MS = 150
SEARCH_LIMIT = 50
#: entries the service refuses to reverse (the button stays off for them)
_NOT_REVERSIBLE = ("reverse", "expire", "merge_out", "merge_in")


def _button(text: str, object_name: str, slot, tooltip: str = "") -> QPushButton:
    button = QPushButton(text)
    button.setObjectName(object_name)
    button.clicked.connect(lambda _checked=False: slot())
    if tooltip:
        button.setToolTip(tooltip)
    return button


_small_table = _table   # one table style for the tab and its dialogs
_cell = _item


class PointsTab(QWidget):
    """A customer's points (balance, pending, expiring, ledger) and the points commands; team tools for supervisors.

    ``run_expiry`` and ``check_points`` are public so the main window's Tools menu can call them.
    """

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pointsTab")
        self.actor = actor
        self.can_approve = allowed(actor, APPROVE_POINTS)
        self.can_edit_rules = allowed(actor, EDIT_SETTINGS)
        self.can_report = allowed(actor, REPORTS)
        self.customer_id: int | None = None
        self.view: points.CustomerPoints | None = None
        self.last_report: points.ReconcileReport | None = None
        self.last_expiry: points.ExpiryResult | None = None
        self.reconcile_dialog: ReconcileDialog | None = None
        self._announcing = False

        self.checker = LatestOnlyWorker(self)
        self.checker.resultReady.connect(self._check_done)
        self.checker.failed.connect(self._check_failed)
        self.expirer = LatestOnlyWorker(self)
        self.expirer.resultReady.connect(self._expired_in_background)
        self.expirer.failed.connect(lambda error: self.show_message(
            error.message if isinstance(error, ServiceError) else _("The expiry run failed: {error}").format(
                error=error), error=True))

        self._build_picker()
        self._build_team_row()
        self._build_customer_panel()

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("pointsSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.picker)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([text_width(self, 34), text_width(self, 140)])

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.setSpacing(6)
        layout.addLayout(self.team_row)
        layout.addWidget(self.splitter, 1)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self.search)
        self.search_edit.textChanged.connect(lambda _text: self._search_timer.start())
        self.search_edit.returnPressed.connect(self._search_now)
        events().customersChanged.connect(self._customers_changed)
        self._show_nothing()
        self.search()

    # -- building --------------------------------------------------------------------------------
    def _build_picker(self) -> None:
        self.search_edit = QLineEdit()
        self.search_edit.setObjectName("pointsCustomerSearch")
        self.search_edit.setPlaceholderText(_("Find a customer: name, mobile, pinyin…"))
        self.search_edit.setClearButtonEnabled(True)
        self.customer_list = QListWidget()
        self.customer_list.setObjectName("pointsCustomerList")
        self.customer_list.currentItemChanged.connect(self._customer_picked)
        self.picker = QWidget()
        self.picker.setObjectName("pointsPicker")
        box = QVBoxLayout(self.picker)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(self.search_edit)
        box.addWidget(self.customer_list, 1)
        self.picker.setMinimumWidth(text_width(self, 26))

    def _build_team_row(self) -> None:
        self.run_expiry_button = _button(_("Run expiry"), "runExpiryButton", self.run_expiry,
                                         _("Write off the points past their validity (also done at start-up)"))
        self.expiring_button = _button(_("Expiring soon…"), "expiringButton", self.show_expiring,
                                       _("Customers whose points expire in the next 30 days"))
        self.team_pending_button = _button(_("Pending approvals…"), "teamPendingButton", self.show_team_pending)
        self.summary_button = _button(_("Summary…"), "summaryButton", self.show_summary,
                                      _("Issued, redeemed, expired, adjusted and outstanding for a period"))
        self.rules_button = _button(_("Rules…"), "rulesButton", self.edit_rules,
                                    _("The points each event earns, and the approval threshold"))
        self.check_button = _button(_("Check points"), "checkPointsButton", self.check_points,
                                    _("Recompute every balance from the ledger and report any inconsistency"))
        self.team_row = QHBoxLayout()
        self.team_row.setSpacing(6)
        self.message_label = QLabel()
        self.message_label.setObjectName("pointsMessageLabel")
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.team_row.addWidget(self.message_label, 1)
        for button, shown in ((self.run_expiry_button, True), (self.expiring_button, True),
                              (self.team_pending_button, self.can_approve), (self.summary_button, self.can_report),
                              (self.rules_button, self.can_edit_rules), (self.check_button, self.can_report)):
            button.setVisible(shown)
            self.team_row.addWidget(button)

    def _build_customer_panel(self) -> None:
        self.name_label = QLabel()
        self.name_label.setObjectName("pointsCustomerName")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.name_label.setFont(font)
        self.balance_label = QLabel()
        self.balance_label.setObjectName("balanceLabel")
        bfont = self.balance_label.font()
        bfont.setPointSizeF(bfont.pointSizeF() * 1.3)
        self.balance_label.setFont(bfont)
        self.overdue_label = QLabel()
        self.overdue_label.setObjectName("overdueLabel")
        self.overdue_label.setStyleSheet(f"color: {ERROR_COLOR};")
        header = QHBoxLayout()
        header.addWidget(self.name_label)
        header.addSpacing(text_width(self, 4))
        header.addWidget(self.balance_label)
        header.addSpacing(text_width(self, 2))
        header.addWidget(self.overdue_label)
        header.addStretch(1)

        self.record_button = _button(_("Record event…"), "recordEventButton", self.record_event)
        self.redeem_button = _button(_("Use toward investment…"), "redeemButton", self.redeem,
                                     _("Points pay toward an investment at 1 point = 1 yuan; never cash"))
        self.adjust_button = _button(_("Adjust…"), "adjustButton", self.adjust)
        self.reverse_button = _button(_("Reverse selected entry…"), "reverseButton", self.reverse_selected)
        commands = QHBoxLayout()
        for button in (self.record_button, self.redeem_button, self.adjust_button, self.reverse_button):
            commands.addWidget(button)
        commands.addStretch(1)

        self.pending_table = _small_table("pendingTable", [_("Points"), _("Reason"), _("Requested by"),
                                                            _("Requested at")])
        self.pending_title = QLabel()
        self.pending_title.setObjectName("pendingTitle")
        self.approve_button = _button(_("Approve"), "approveButton", self.approve_selected)
        self.reject_button = _button(_("Reject…"), "rejectButton", self.reject_selected)
        for button in (self.approve_button, self.reject_button):
            button.setVisible(self.can_approve)
        pending_head = QHBoxLayout()
        pending_head.addWidget(self.pending_title, 1)
        pending_head.addWidget(self.approve_button)
        pending_head.addWidget(self.reject_button)
        self.expiring_table = _small_table("expiringTable", [_("Expires"), _("Points"), _("Source")])
        self.expiring_title = QLabel()
        self.expiring_title.setObjectName("expiringTitle")
        lists = QGridLayout()
        lists.setHorizontalSpacing(12)
        lists.addLayout(pending_head, 0, 0)
        lists.addWidget(self.expiring_title, 0, 1)
        lists.addWidget(self.pending_table, 1, 0)
        lists.addWidget(self.expiring_table, 1, 1)
        lists.setColumnStretch(0, 3)
        lists.setColumnStretch(1, 2)
        rows_height = self.pending_table.verticalHeader().defaultSectionSize() * 4 + \
            self.pending_table.horizontalHeader().sizeHint().height() + 4
        for table, stretch in ((self.pending_table, 1), (self.expiring_table, 2)):
            table.setFixedHeight(rows_height)
            table.horizontalHeader().setStretchLastSection(False)
            for column in range(table.columnCount()):
                table.horizontalHeader().setSectionResizeMode(
                    column, QHeaderView.ResizeMode.Stretch if column == stretch
                    else QHeaderView.ResizeMode.ResizeToContents)

        self.ledger_model = LedgerModel(self)
        self.ledger_table = QTableView()
        self.ledger_table.setObjectName("ledgerTable")
        self.ledger_table.setModel(self.ledger_model)
        self.ledger_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.ledger_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.ledger_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.ledger_table.setAlternatingRowColors(True)
        self.ledger_table.setWordWrap(False)
        self.ledger_table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.ledger_table.verticalHeader().hide()
        self.ledger_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        head = self.ledger_table.horizontalHeader()
        head.setStretchLastSection(False)
        head.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        metrics = self.ledger_table.fontMetrics()
        # sized from samples and the labels in force, never by measuring rows
        samples = {"kind": [_("{kind} (reversed)").format(kind=labels.label(labels.POINTS_KINDS, k))
                            for k in labels.POINTS_KINDS],
                   "source": [labels.label(labels.POINTS_EVENTS, e) for e in labels.POINTS_EVENTS]
                   + [_("Complaint No. {id}").format(id=99999)]}
        for index, column in enumerate(COLUMNS):
            texts = [column.sample, _(column.title), *samples.get(column.key, [])]
            head.resizeSection(index, max(metrics.horizontalAdvance(t) for t in texts) + 18)
            if column.key == "reason":
                head.setSectionResizeMode(index, QHeaderView.ResizeMode.Stretch)
        self.ledger_table.selectionModel().selectionChanged.connect(lambda *_a: self._update_buttons())
        self.ledger_table.doubleClicked.connect(lambda _index: self.reverse_selected())
        self.pending_table.itemSelectionChanged.connect(self._update_buttons)
        ledger_title = QLabel(_("Ledger (newest first; balance after each entry)"))
        ledger_title.setObjectName("ledgerTitle")

        self.empty_label = QLabel(_("Choose a customer on the left to see their points."))
        self.empty_label.setObjectName("pointsEmptyLabel")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.details = QWidget()
        self.details.setObjectName("pointsDetails")
        box = QVBoxLayout(self.details)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        box.addLayout(header)
        box.addLayout(commands)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        box.addWidget(line)
        box.addLayout(lists)
        box.addWidget(ledger_title)
        box.addWidget(self.ledger_table, 1)

        self.panel = QWidget()
        self.panel.setObjectName("pointsPanel")
        panel_box = QVBoxLayout(self.panel)
        panel_box.setContentsMargins(0, 0, 0, 0)
        panel_box.addWidget(self.empty_label, 1)
        panel_box.addWidget(self.details, 1)

    # -- the customer picker ---------------------------------------------------------------------
    def _search_now(self) -> None:
        self._search_timer.stop()
        self.search()
        if self.customer_list.count() == 1:
            self.customer_list.setCurrentRow(0)

    def search(self) -> None:
        """List the customers matching the search text (any customer: points questions come from anyone)."""
        try:
            rows = customers.search_page(self.actor, CustomerQuery(text=self.search_edit.text(), all_customers=True),
                                         0, SEARCH_LIMIT)
        except ServiceError as error:
            self.show_message(error.message, error=True)
            return
        self.customer_list.blockSignals(True)
        self.customer_list.clear()
        for row in rows:
            number = _("No. {id}").format(id=row.id)
            item = QListWidgetItem("  ".join(part for part in (row.name, row.mobile, number) if part))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.customer_list.addItem(item)
            if row.id == self.customer_id:
                self.customer_list.setCurrentItem(item)
        self.customer_list.blockSignals(False)

    def _customer_picked(self, current: QListWidgetItem | None, _previous=None) -> None:
        if current is not None:
            self.show_customer(current.data(Qt.ItemDataRole.UserRole))

    # -- the customer's points -------------------------------------------------------------------
    def show_customer(self, customer_id: int | None) -> None:
        """Show CUSTOMER_ID's points (None clears the panel)."""
        self.customer_id = customer_id
        self.refresh()

    def refresh(self) -> None:
        """Reload the shown customer's points from the service."""
        if self.customer_id is None:
            self._show_nothing()
            return
        selected = self.selected_entry()
        try:
            view = points.customer_view(self.actor, self.customer_id)
        except ServiceError as error:
            self.customer_id = None
            self._show_nothing()
            self.show_message(error.message, error=True)
            return
        self.view = view
        self.empty_label.hide()
        self.details.show()
        self.name_label.setText(_("{name} (No. {id})").format(name=view.name, id=view.customer_id))
        self.balance_label.setText(_("Balance: {n} points (= {n} yuan toward an investment)").format(
            n=f"{view.balance:,}"))
        self.overdue_label.setText(ngettext(
            "{n} point is past its expiry; the next expiry run writes it off.",
            "{n} points are past their expiry; the next expiry run writes them off.", view.overdue).format(
            n=f"{view.overdue:,}") if view.overdue else "")
        self.overdue_label.setVisible(bool(view.overdue))

        self.pending_title.setText(_("Waiting for a supervisor's approval: {n}").format(n=len(view.pending))
                                   if view.pending else _("Waiting for approval: none"))
        self.pending_table.setRowCount(len(view.pending))
        for r, adj in enumerate(view.pending):
            self.pending_table.setItem(r, 0, _cell(signed(adj.points), adj.id, right=True))
            self.pending_table.setItem(r, 1, _cell(adj.reason))
            self.pending_table.setItem(r, 2, _cell(adj.requested_by))
            self.pending_table.setItem(r, 3, _cell(adj.requested_at.strftime("%Y-%m-%d %H:%M")))
        if view.pending:
            self.pending_table.selectRow(0)

        self.expiring_title.setText(_("Expiring in the next {days} days: {n} points").format(
            days=points.EXPIRING_SOON_DAYS, n=f"{view.expiring_total:,}"))
        self.expiring_table.setRowCount(len(view.expiring))
        for r, lot in enumerate(view.expiring):
            self.expiring_table.setItem(r, 0, _cell(lot.expires_at.strftime("%Y-%m-%d")))
            self.expiring_table.setItem(r, 1, _cell(f"{lot.points:,}", right=True))
            self.expiring_table.setItem(r, 2, _cell(lot.source))

        self.ledger_model.set_rows(view.ledger)
        if selected is not None:
            row = self.ledger_model.row_of_entry(selected)
            if row >= 0:
                self.ledger_table.selectRow(row)
        self._update_buttons()

    def _show_nothing(self) -> None:
        self.view = None
        self.details.hide()
        self.empty_label.show()
        self.ledger_model.set_rows([])
        self._update_buttons()

    def selected_entry(self) -> int | None:
        """The id of the ledger entry selected, if any."""
        rows = self.ledger_table.selectionModel().selectedRows()
        if not rows:
            return None
        row = self.ledger_model.row_at(rows[0].row())
        return row.id if row else None

    def selected_pending(self) -> int | None:
        """The id of the pending adjustment selected, if any."""
        row = self.pending_table.currentRow()
        if self.view is None or not (0 <= row < len(self.view.pending)):
            return None
        return self.view.pending[row].id

    def _update_buttons(self) -> None:
        shown = self.view is not None
        changeable = shown and self.view.can_change        # own customers, or a supervisor (the service checks)
        note = "" if changeable or not shown else _("Only the customer's own specialist or a supervisor changes "
                                                      "their points.")
        for button in (self.record_button, self.redeem_button, self.adjust_button):
            button.setEnabled(changeable)
            button.setToolTip(note)
        entry = None
        rows = self.ledger_table.selectionModel().selectedRows() if shown else []
        if rows:
            entry = self.ledger_model.row_at(rows[0].row())
        self.reverse_button.setEnabled(bool(changeable and entry and entry.kind not in _NOT_REVERSIBLE
                                            and entry.reversed_by_id is None))
        has_pending = shown and self.selected_pending() is not None
        self.approve_button.setEnabled(has_pending)
        self.reject_button.setEnabled(has_pending)

    # -- messages and change broadcast -----------------------------------------------------------
    def show_message(self, text: str, error: bool = False) -> None:
        """One line above the panel: the outcome of the last command."""
        self.message_label.setStyleSheet(f"color: {ERROR_COLOR};" if error else "")
        self.message_label.setText(text)
        self.message_label.setToolTip(text)

    def _announce(self, customer_ids: list[int]) -> None:
        """Tell every open view which customers' points changed (the customer page timeline refreshes)."""
        self._announcing = True
        try:
            events().customersChanged.emit(customer_ids)
        finally:
            self._announcing = False

    def _customers_changed(self, ids: list) -> None:
        if self._announcing or self.customer_id is None:
            return
        if not ids or self.customer_id in ids:
            self.refresh()

    def _after_write(self, message: str, customer_ids: list[int] | None = None) -> None:
        self.show_message(message)
        self.refresh()
        self._announce(customer_ids if customer_ids is not None else [self.customer_id])

    # -- customer commands -----------------------------------------------------------------------
    def record_event(self) -> None:
        if self.view is None:
            return
        dialog = RecordEventDialog(self.actor, self.view.customer_id, self.view.name, parent=self)
        if dialog.exec() != RecordEventDialog.DialogCode.Accepted:
            return
        result = dialog.event_result
        if result.awarded:
            ids = sorted({self.view.customer_id, result.customer_id})
            self._after_write(result.message, ids)
        else:
            self.show_message(result.message)    # already awarded, waiting, rule off: nothing was written

    def redeem(self) -> None:
        if self.view is None:
            return
        message = RedeemDialog.ask(self, self.actor, self.view.customer_id, self.view.name, self.view.available)
        if message is not None:
            self._after_write(message)

    def adjust(self) -> None:
        if self.view is None:
            return
        message = AdjustDialog.ask(self, self.actor, self.view.customer_id, self.view.name, self.view.threshold)
        if message is not None:
            self._after_write(message)

    def reverse_selected(self) -> None:
        """Reverse the selected ledger entry after confirming it and asking the reason."""
        entry_id = self.selected_entry()
        if self.view is None or entry_id is None or not self.reverse_button.isEnabled():
            return
        row = self.ledger_model.row_at(self.ledger_model.row_of_entry(entry_id))
        text = _("No. {id} · {at} · {kind} · {points} points · {reason}").format(
            id=row.id, at=row.at.strftime("%Y-%m-%d %H:%M"), kind=row.kind_label, points=signed(row.points),
            reason=row.reason)
        message = ReverseDialog.ask(self, self.actor, self.view.customer_id, self.view.name, text, entry_id)
        if message is not None:
            self._after_write(message)

    def approve_selected(self) -> bool:
        """Approve the selected pending adjustment (supervisors)."""
        adjustment_id = self.selected_pending()
        if adjustment_id is None:
            return False
        try:
            with wait_cursor():
                result = points.approve_adjustment(self.actor, adjustment_id)
        except ServiceError as error:
            self.show_message(error.message, error=True)
            self.refresh()
            return False
        self._after_write(result.message)
        return True

    def reject_selected(self) -> bool:
        adjustment_id = self.selected_pending()
        if adjustment_id is None:
            return False
        reason = ask_text(self, _("Reject adjustment"), _("Reason for rejecting (shown in the audit log):"))
        if reason is None:
            return False
        try:
            result = points.reject_adjustment(self.actor, adjustment_id, reason)
        except ServiceError as error:
            self.show_message(error.message, error=True)
            return False
        self._after_write(result.message)
        return True

    # -- team tools (also for the Tools menu) ----------------------------------------------------
    def run_expiry(self) -> points.ExpiryResult | None:
        """Write off the points past their validity now; the outcome shows in the message line."""
        try:
            with wait_cursor():
                result = points.run_expiry(self.actor)
        except ServiceError as error:
            show_error(self, error.message)
            return None
        self.last_expiry = result
        if result.entries:
            message = ngettext("{n} lot expired: {points} points of {customers} customers were written off.",
                               "{n} lots expired: {points} points of {customers} customers were written off.",
                               result.entries).format(n=result.entries, points=f"{result.points:,}",
                                                      customers=result.customers)
            self._after_write(message, [])
        else:
            self.show_message(_("No points were due to expire."))
        return result

    def expire_in_background(self) -> None:
        """The start-up expiry run (no user: the system writes it), off the UI thread; quiet unless it wrote."""
        self.expirer.submit(lambda: points.run_expiry(None))

    def _expired_in_background(self, result: points.ExpiryResult) -> None:
        self.last_expiry = result
        if result.entries:
            self._after_write(ngettext(
                "Expiry at start-up: {n} lot expired ({points} points).",
                "Expiry at start-up: {n} lots expired ({points} points).", result.entries).format(
                n=result.entries, points=f"{result.points:,}"), [])

    def check_points(self) -> None:
        """Start "Check points" off the UI thread; the report opens when it is ready."""
        self.check_button.setEnabled(False)
        self.show_message(_("Checking every balance against the ledger…"))
        actor = self.actor
        self.checker.submit(lambda: points.reconcile(actor))

    def _check_done(self, report: points.ReconcileReport) -> None:
        self.check_button.setEnabled(True)
        self.last_report = report
        self.show_message(_("Check points: no inconsistency.") if report.ok else ngettext(
            "Check points: {n} inconsistency found.", "Check points: {n} inconsistencies found.",
            len(report.problems)).format(n=len(report.problems)), error=not report.ok)
        self.reconcile_dialog = ReconcileDialog(report, self)
        self.reconcile_dialog.show()

    def _check_failed(self, error: BaseException) -> None:
        self.check_button.setEnabled(True)
        message = error.message if isinstance(error, ServiceError) else _("Check points failed: {error}").format(
            error=error)
        self.show_message(message, error=True)

    def edit_rules(self) -> None:
        if RulesDialog.ask(self, self.actor):
            self.show_message(_("The points rules were saved."))
            self.refresh()

    def show_summary(self) -> None:
        SummaryDialog.ask(self, self.actor)

    def show_team_pending(self) -> None:
        dialog = PendingDialog(self.actor, self)
        dialog.exec()
        if dialog.changed_customers:
            self.refresh()
            self._announce(sorted(dialog.changed_customers))

    def show_expiring(self) -> None:
        dialog = ExpiringDialog(self.actor, self)
        if dialog.exec() == ExpiringDialog.DialogCode.Accepted and dialog.chosen is not None:
            self.show_customer(dialog.chosen)

    def shutdown(self) -> None:
        """Wait for a running check before the window (and the database) closes."""
        for worker in (self.checker, self.expirer):
            worker.cancel()
            worker.wait(10000)
