"""The team's points dialogs: earning rules, the period summary, "Check points", pending approvals, expiring soon."""
from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (QAbstractItemView, QCheckBox, QComboBox, QDateEdit, QDialog, QDialogButtonBox,
                               QHBoxLayout, QHeaderView, QLabel, QMessageBox, QPushButton, QSpinBox, QTableWidget,
                               QTableWidgetItem, QVBoxLayout, QWidget)

from desktop_cs import clock
from desktop_cs.i18n import _, ngettext
from desktop_cs.services import labels, points
from desktop_cs.services.errors import FormErrors, ServiceError, ValidationError
from desktop_cs.views.common import FieldError, explanation, text_width, wait_cursor

if TYPE_CHECKING:
    from desktop_cs.models import User


def _table(object_name: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(object_name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
    return table


def _item(text: str, data=None, right: bool = False) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.ItemDataRole.UserRole, data)
    if right:
        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
    return item


def _close_buttons(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("closeButton")
    buttons.rejected.connect(dialog.reject)
    return buttons


# --- earning rules -------------------------------------------------------------------------------

class RulesDialog(QDialog):
    """The earning rule of every event, editable by a supervisor, and the adjustment approval threshold."""

    COLUMNS = ("event", "active", "mode", "points", "per_amount", "validity_days", "condition")

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("rulesDialog")
        self.setWindowTitle(_("Points rules"))
        self.actor = actor
        self.rows = points.list_rules(actor)
        self.table = _table("rulesTable", [_("Event"), _("On"), _("Computed"), _("Points"), _("Per yuan"),
                                           _("Valid days (0 = never)"), _("Referrer paid")])
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setRowCount(len(self.rows))
        self.editors: list[dict[str, QWidget]] = []
        for r, rule in enumerate(self.rows):
            self.table.setItem(r, 0, _item(rule.event_label, rule.event))
            active = QCheckBox()
            active.setObjectName(f"ruleActive_{rule.event}")
            active.setChecked(rule.active)
            mode = QComboBox()
            mode.setObjectName(f"ruleMode_{rule.event}")
            for code, text in labels.choices(labels.POINTS_RULE_MODES):
                if code == "fixed" or rule.event in points.PER_AMOUNT_EVENTS:
                    mode.addItem(text, code)
            mode.setCurrentIndex(max(mode.findData(rule.mode), 0))
            amount = QSpinBox()
            amount.setObjectName(f"rulePoints_{rule.event}")
            amount.setRange(0, points.MAX_POINTS)
            amount.setValue(rule.points)
            per = QSpinBox()
            per.setObjectName(f"rulePerYuan_{rule.event}")
            per.setRange(1, points.MAX_AMOUNT_FEN // 100)
            per.setValue(max(rule.per_amount_fen // 100, 1))
            validity = QSpinBox()
            validity.setObjectName(f"ruleValidity_{rule.event}")
            validity.setRange(0, points.MAX_VALIDITY_DAYS)
            validity.setValue(rule.validity_days)
            cells: dict[str, QWidget] = {"active": active, "mode": mode, "points": amount, "per_amount": per,
                                         "validity_days": validity}
            if rule.event == "referral":
                condition = QComboBox()
                condition.setObjectName("ruleCondition_referral")
                for code, text in labels.choices(labels.REFERRAL_CONDITIONS):
                    condition.addItem(text, code)
                condition.setCurrentIndex(max(condition.findData(rule.condition), 0))
                cells["condition"] = condition
            for c, key in enumerate(self.COLUMNS[1:], 1):
                if key in cells:
                    self.table.setCellWidget(r, c, cells[key])
            mode.currentIndexChanged.connect(lambda _i, cells=cells: self._mode_changed(cells))
            self._mode_changed(cells)
            self.editors.append(cells)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)

        self.threshold_spin = QSpinBox()
        self.threshold_spin.setObjectName("thresholdSpin")
        self.threshold_spin.setRange(0, points.MAX_POINTS)
        self.threshold_spin.setValue(points.adjustment_threshold())
        threshold_row = QHBoxLayout()
        threshold_row.addWidget(QLabel(_("Adjustments of more points than this need a supervisor's approval:")))
        threshold_row.addWidget(self.threshold_spin)
        threshold_row.addStretch(1)

        self.error_label = FieldError("rulesError")
        self.error_label.setWordWrap(True)
        buttons = QDialogButtonBox()
        self.save_button = buttons.addButton(_("Save"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("saveButton")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("cancelButton")
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(explanation(_("Points each event earns. A change applies to events recorded from now on; "
                                       "points already awarded stay. Every change is recorded in the audit log.")))
        layout.addWidget(self.table, 1)
        layout.addLayout(threshold_row)
        layout.addWidget(self.error_label)
        layout.addWidget(buttons)
        self.resize(text_width(self, 130), self.table.verticalHeader().length() + 260)

    @staticmethod
    def _mode_changed(cells: dict[str, QWidget]) -> None:
        cells["per_amount"].setEnabled(cells["mode"].currentData() == "per_amount")

    def inputs(self) -> list[points.RuleInput]:
        out = []
        for rule, cells in zip(self.rows, self.editors):
            mode = cells["mode"].currentData()
            out.append(points.RuleInput(
                event=rule.event, mode=mode, points=cells["points"].value(),
                per_amount_fen=cells["per_amount"].value() * 100 if mode == "per_amount" else 0,
                validity_days=cells["validity_days"].value(),
                condition=cells["condition"].currentData() if "condition" in cells else "",
                active=cells["active"].isChecked()))
        return out

    def save(self) -> bool:
        """Save every changed rule and the threshold through the services; the first error stays on screen."""
        self.error_label.clear_message()
        try:
            with wait_cursor():
                for data in self.inputs():
                    try:
                        points.save_rule(self.actor, data)
                    except FormErrors as error:
                        raise ValidationError(f"{labels.label(labels.POINTS_EVENTS, data.event)}: "
                                              + "; ".join(error.errors.values())) from None
                if self.threshold_spin.value() != points.adjustment_threshold():
                    points.set_adjustment_threshold(self.actor, self.threshold_spin.value())
        except ServiceError as error:
            self.error_label.show_message(error.message)
            return False
        self.accept()
        return True

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User) -> bool:
        """Edit the rules; True once saved."""
        return cls(actor, parent).exec() == QDialog.DialogCode.Accepted


# --- the team summary ----------------------------------------------------------------------------

class SummaryDialog(QDialog):
    """Points issued by event, redeemed, expired, adjusted, and the outstanding liability for a period."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("summaryDialog")
        self.setWindowTitle(_("Points summary"))
        self.actor = actor
        today = clock.today()
        self.from_edit = QDateEdit(QDate(today.year, 1, 1))
        self.from_edit.setObjectName("summaryFrom")
        self.to_edit = QDateEdit(QDate(today.year, today.month, today.day))
        self.to_edit.setObjectName("summaryTo")
        for edit in (self.from_edit, self.to_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
        self.show_button = QPushButton(_("Show"))
        self.show_button.setObjectName("summaryShowButton")
        self.show_button.clicked.connect(self.refresh)
        period = QHBoxLayout()
        period.addWidget(QLabel(_("Period from:")))
        period.addWidget(self.from_edit)
        period.addWidget(QLabel(_("until:")))
        period.addWidget(self.to_edit)
        period.addWidget(self.show_button)
        period.addStretch(1)
        self.table = _table("summaryTable", [_("Item"), _("Points"), _("Entries")])
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.error_label = FieldError("summaryError")
        layout = QVBoxLayout(self)
        layout.addLayout(period)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(_close_buttons(self))
        self.resize(text_width(self, 80), self.fontMetrics().height() * 36)
        self.summary: points.PointsSummary | None = None
        self.refresh()

    def refresh(self) -> None:
        self.error_label.clear_message()
        start, end = self.from_edit.date(), self.to_edit.date()
        try:
            with wait_cursor():
                s = points.team_summary(self.actor, dt.date(start.year(), start.month(), start.day()),
                                        dt.date(end.year(), end.month(), end.day()))
        except ServiceError as error:
            self.error_label.show_message(error.message)
            return
        self.summary = s
        lines: list[tuple[str, int, int | None, bool]] = [(_("Opening balance"), s.opening_points, None, True)]
        lines += [(_("Issued: {event}").format(event=line.label), line.points, line.entries, False)
                  for line in s.issued]
        lines += [(_("Issued in total"), s.issued_total, None, True),
                  (_("Used toward investments"), -s.redeemed, s.redemptions, False),
                  (_("Expired"), -s.expired, None, False),
                  (_("Adjusted: added"), s.adjusted_in, None, False),
                  (_("of which compensation for complaints"), s.compensation, None, False),
                  (_("Adjusted: deducted"), -s.adjusted_out, None, False),
                  (_("Reversals: given back"), s.reversed_in, None, False),
                  (_("Reversals: taken back"), -s.reversed_out, None, False),
                  (_("Closing balance"), s.closing_points, None, True)]
        self.table.setRowCount(len(lines) + 1)
        for r, (text, value, count, bold) in enumerate(lines):
            cells = [_item(text), _item(f"{value:,}", right=True), _item("" if count is None else f"{count:,}",
                                                                           right=True)]
            for c, cell in enumerate(cells):
                if bold:
                    font = cell.font()
                    font.setBold(True)
                    cell.setFont(font)
                self.table.setItem(r, c, cell)
        liability = _item(_("Outstanding liability: {yuan} yuan (1 point = 1 yuan)").format(
            yuan=f"{s.closing_liability_fen // 100:,}"))
        font = liability.font()
        font.setBold(True)
        liability.setFont(font)
        self.table.setItem(len(lines), 0, liability)
        self.table.setSpan(len(lines), 0, 1, 3)

    @classmethod
    def ask(cls, parent: QWidget | None, actor: User) -> None:
        cls(actor, parent).exec()


# --- "Check points" ------------------------------------------------------------------------------

class ReconcileDialog(QDialog):
    """The result of "Check points": what was checked and every inconsistency found."""

    def __init__(self, report: points.ReconcileReport, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("reconcileDialog")
        self.setWindowTitle(_("Check points"))
        checked = _("Checked {entries} ledger entries of {customers} customers and {allocations} lot "
                    "allocations.").format(entries=f"{report.entries:,}", customers=f"{report.customers:,}",
                                           allocations=f"{report.allocations:,}")
        if report.ok:
            verdict = _("No inconsistency found: every balance equals its ledger and its lots.")
        else:
            verdict = ngettext("{n} inconsistency found:", "{n} inconsistencies found:",
                               len(report.problems)).format(n=len(report.problems))
        self.summary_label = QLabel(f"{checked}\n{verdict}")
        self.summary_label.setObjectName("reconcileSummaryLabel")
        self.summary_label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary_label)
        if report.due_for_expiry:
            due = QLabel(ngettext("{n} lot is past its expiry and will be written off by the next expiry run.",
                                  "{n} lots are past their expiry and will be written off by the next expiry run.",
                                  report.due_for_expiry).format(n=report.due_for_expiry))
            due.setObjectName("reconcileDueLabel")
            layout.addWidget(due)
        self.table = _table("problemsTable", [_("Customer"), _("Entry"), _("Problem")])
        self.table.setRowCount(len(report.problems))
        for r, problem in enumerate(report.problems):
            self.table.setItem(r, 0, _item(str(problem.customer_id or ""), right=True))
            self.table.setItem(r, 1, _item(str(problem.entry_id or ""), right=True))
            self.table.setItem(r, 2, _item(problem.message))
        self.table.setVisible(not report.ok)
        layout.addWidget(self.table, 1)
        layout.addWidget(_close_buttons(self))
        self.resize(text_width(self, 90), self.fontMetrics().height() * (24 if not report.ok else 8))


# --- pending approvals ---------------------------------------------------------------------------

class PendingDialog(QDialog):
    """Every adjustment waiting for approval, for a supervisor to approve or reject."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pendingDialog")
        self.setWindowTitle(_("Adjustments waiting for approval"))
        self.actor = actor
        self.changed_customers: set[int] = set()
        self.table = _table("teamPendingTable", [_("Customer"), _("Points"), _("Reason"), _("Requested by"),
                                                 _("Requested at")])
        self.approve_button = QPushButton(_("Approve"))
        self.approve_button.setObjectName("teamApproveButton")
        self.reject_button = QPushButton(_("Reject…"))
        self.reject_button.setObjectName("teamRejectButton")
        self.approve_button.clicked.connect(self.approve)
        self.reject_button.clicked.connect(self.reject_selected)
        self.message = FieldError("pendingError")
        self.message.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.approve_button)
        row.addWidget(self.reject_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message)
        layout.addLayout(row)
        layout.addWidget(_close_buttons(self))
        self.resize(text_width(self, 110), self.fontMetrics().height() * 24)
        self.refresh()

    def refresh(self) -> None:
        self.rows = points.pending_adjustments(self.actor)
        self.table.setRowCount(len(self.rows))
        for r, row in enumerate(self.rows):
            name = _("{name} (No. {id})").format(name=row.customer_name, id=row.customer_id)
            self.table.setItem(r, 0, _item(name, row.id))
            self.table.setItem(r, 1, _item(f"{row.points:+,}", right=True))
            self.table.setItem(r, 2, _item(row.reason))
            self.table.setItem(r, 3, _item(row.requested_by))
            self.table.setItem(r, 4, _item(row.requested_at.strftime("%Y-%m-%d %H:%M")))
        self.table.resizeColumnsToContents()
        if self.rows:
            self.table.selectRow(0)
        self.approve_button.setEnabled(bool(self.rows))
        self.reject_button.setEnabled(bool(self.rows))

    def selected(self) -> points.AdjustmentRow | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def approve(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        self.message.clear_message()
        try:
            with wait_cursor():
                points.approve_adjustment(self.actor, row.id)
        except ServiceError as error:
            self.message.show_message(error.message)
            return False
        self.changed_customers.add(row.customer_id)
        self.refresh()
        return True

    def reject_selected(self) -> bool:
        row = self.selected()
        if row is None:
            return False
        reason = ask_text(self, _("Reject adjustment"), _("Reason for rejecting (shown in the audit log):"))
        if reason is None:
            return False
        try:
            points.reject_adjustment(self.actor, row.id, reason)
        except ServiceError as error:
            self.message.show_message(error.message)
            return False
        self.changed_customers.add(row.customer_id)
        self.refresh()
        return True


def ask_text(parent: QWidget, title: str, label: str) -> str | None:
    """One line of text, or None when cancelled (a seam tests patch)."""
    from PySide6.QtWidgets import QInputDialog
    text, ok = QInputDialog.getText(parent, title, label)
    return text if ok else None


# --- expiring soon -------------------------------------------------------------------------------

class ExpiringDialog(QDialog):
    """Customers whose points expire in the next 30 days, for a reminder callback."""

    def __init__(self, actor: User, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("expiringDialog")
        self.setWindowTitle(_("Points expiring in the next {n} days").format(n=points.EXPIRING_SOON_DAYS))
        with wait_cursor():
            rows = points.expiring_soon(actor)
        self.table = _table("teamExpiringTable", [_("Customer"), _("Points"), _("First expiry"),
                                                  _("Specialist")])
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            self.table.setItem(r, 0, _item(_("{name} (No. {id})").format(name=row.name, id=row.customer_id),
                                         row.customer_id))
            self.table.setItem(r, 1, _item(f"{row.points:,}", right=True))
            self.table.setItem(r, 2, _item(row.first_expiry.strftime("%Y-%m-%d")))
            self.table.setItem(r, 3, _item(row.specialist))
        self.table.resizeColumnsToContents()
        self.table.cellDoubleClicked.connect(self._open)
        self.chosen: int | None = None
        count = QLabel(ngettext("{n} customer", "{n} customers", len(rows)).format(n=len(rows)))
        count.setObjectName("expiringCountLabel")
        layout = QVBoxLayout(self)
        layout.addWidget(count)
        layout.addWidget(self.table, 1)
        layout.addWidget(_close_buttons(self))
        self.resize(text_width(self, 90), self.fontMetrics().height() * 26)

    def _open(self, row: int, _column: int) -> None:
        item = self.table.item(row, 0)
        if item is not None:
            self.chosen = item.data(Qt.ItemDataRole.UserRole)
            self.accept()


def information(parent: QWidget | None, title: str, text: str) -> None:
    """A short information box (a seam tests patch)."""
    QMessageBox.information(parent, title, text)
