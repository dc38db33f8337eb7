"""The points tab: pick a customer, record an event, redeem (refused over balance), adjust (pending approval),
reverse with confirmation, run expiry, Check points, rules and summary; the ledger table model."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QApplication, QComboBox, QLabel, QLineEdit, QListWidget, QPlainTextEdit, QPushButton,
                               QSpinBox, QTableView, QTableWidget)

from desktop_cs import clock
from desktop_cs.models import PointsEntry, PointsRule
from desktop_cs.services import customers, points
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views.common.events import events
from desktop_cs.views.points.ledger_model import LedgerModel
from desktop_cs.views.points.points_tab import PointsTab
from desktop_cs.views.points.team_dialogs import RulesDialog, SummaryDialog

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def make_tab(qtbot, actor, customer_id=None) -> PointsTab:
    tab = PointsTab(actor)
    qtbot.addWidget(tab)
    tab.resize(1300, 700)
    tab.show()
    if customer_id is not None:
        tab.show_customer(customer_id)
    return tab


def on_dialog(handler, attempts: int = 3000) -> None:
    """Run HANDLER(dialog) on the next modal dialog once it is open (the dialog's exec blocks the test)."""
    stale = QApplication.activeModalWidget()     # a dialog another test left behind is not ours

    def poll(left=attempts):
        dialog = QApplication.activeModalWidget()
        if dialog is None or dialog is stale:
            if left:
                QTimer.singleShot(10, lambda: poll(left - 1))
            return
        handler(dialog)
    QTimer.singleShot(0, poll)


def click(qtbot, widget, name: str) -> None:
    qtbot.mouseClick(widget.findChild(QPushButton, name), Qt.MouseButton.LeftButton)


def balance(cid: int) -> int:
    return sum(e.points for e in PointsEntry.select().where(PointsEntry.customer == cid))


def test_the_picker_finds_a_customer_by_name(qtbot, specialist, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张伟", mobile="13812345678"))
    customers.create_customer(supervisor, CustomerInput(name="李娜"))
    tab = make_tab(qtbot, specialist)      # any customer: points questions come from anyone
    tab.findChild(QLineEdit, "pointsCustomerSearch").setText("张伟")
    listing = tab.findChild(QListWidget, "pointsCustomerList")
    qtbot.waitUntil(lambda: listing.count() == 1)
    assert "138****5678" in listing.item(0).text()
    listing.setCurrentRow(0)
    assert tab.customer_id == cid and "张伟" in tab.findChild(QLabel, "pointsCustomerName").text()
    assert not tab.findChild(QPushButton, "rulesButton").isVisibleTo(tab)
    assert not tab.findChild(QPushButton, "approveButton").isVisibleTo(tab)


def test_recording_an_event(qtbot, specialist, supervisor):
    cid = customers.create_customer(specialist, CustomerInput(name="张伟"))
    tab = make_tab(qtbot, specialist, cid)
    assert tab.findChild(QTableView, "ledgerTable").model().rowCount() == 0
    seen = {}

    def fill(dialog):
        combo = dialog.findChild(QComboBox, "eventCombo")
        combo.setCurrentIndex(combo.findData("recharge"))
        seen["amount_visible"] = dialog.findChild(QLineEdit, "amountEdit").isVisible()
        seen["hint"] = dialog.findChild(QLabel, "ruleHintLabel").text()
        dialog.findChild(QLineEdit, "amountEdit").setText("12,345.60")
        dialog.findChild(QLineEdit, "referenceEdit").setText("RC-0001")
        click(qtbot, dialog, "saveButton")

    on_dialog(fill)
    with qtbot.waitSignal(events().customersChanged, timeout=5000) as signal:
        click(qtbot, tab, "recordEventButton")
    assert signal.args == [[cid]]
    assert seen["amount_visible"] and "100" in seen["hint"]
    entry = PointsEntry.get(PointsEntry.customer == cid)
    assert (entry.kind, entry.event, entry.points, entry.reference) == ("earn", "recharge", 123, "RC-0001")
    assert "123" in tab.findChild(QLabel, "balanceLabel").text()
    assert tab.findChild(QTableView, "ledgerTable").model().rowCount() == 1

    # the same reference again: refused beside the field, nothing written
    errors = {}

    def again(dialog):
        combo = dialog.findChild(QComboBox, "eventCombo")
        combo.setCurrentIndex(combo.findData("recharge"))
        dialog.findChild(QLineEdit, "amountEdit").setText("500")
        dialog.findChild(QLineEdit, "referenceEdit").setText("RC-0001")
        click(qtbot, dialog, "saveButton")
        errors.update(dialog.shown_errors())
        dialog.reject()

    on_dialog(again)
    click(qtbot, tab, "recordEventButton")
    assert "RC-0001" in errors["reference"]
    assert balance(cid) == 123


def test_another_specialists_customer_is_shown_but_not_changed(qtbot, specialist, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张伟", registered=True))   # not theirs
    tab = make_tab(qtbot, specialist, cid)
    assert "10" in tab.findChild(QLabel, "balanceLabel").text()         # anyone may look a customer up
    tab.ledger_table.selectRow(0)
    for name in ("recordEventButton", "redeemButton", "adjustButton", "reverseButton"):
        assert not tab.findChild(QPushButton, name).isEnabled(), name
    assert tab.findChild(QPushButton, "redeemButton").toolTip()
    boss_tab = make_tab(qtbot, supervisor, cid)
    assert boss_tab.findChild(QPushButton, "redeemButton").isEnabled()


def test_a_once_only_event_clicked_twice_awards_once(qtbot, specialist, supervisor):
    cid = customers.create_customer(specialist, CustomerInput(name="张伟"))
    tab = make_tab(qtbot, specialist, cid)

    def realname(dialog):
        combo = dialog.findChild(QComboBox, "eventCombo")
        combo.setCurrentIndex(combo.findData("realname"))
        click(qtbot, dialog, "saveButton")

    for _ in range(2):
        on_dialog(realname)
        click(qtbot, tab, "recordEventButton")
    assert balance(cid) == 20
    again = points.record_event(specialist, cid, "realname")                # what the second click was told
    assert again.status == points.ALREADY_AWARDED
    assert tab.findChild(QLabel, "pointsMessageLabel").text() == again.message
    assert PointsEntry.select().where(PointsEntry.customer == cid).count() == 1


def test_a_redemption_over_the_balance_is_refused_with_the_balance_shown(qtbot, specialist, supervisor):
    cid = customers.create_customer(specialist, CustomerInput(name="张伟", registered=True))   # 10 points
    tab = make_tab(qtbot, specialist, cid)
    shown = {}

    def too_much(dialog):
        shown["available"] = dialog.findChild(QLabel, "availableLabel").text()
        dialog.findChild(QSpinBox, "redeemPointsSpin").setValue(11)
        dialog.findChild(QLineEdit, "investmentReferenceEdit").setText("IV-1")
        click(qtbot, dialog, "saveButton")
        label = dialog.findChild(QLabel, "pointsError")
        shown["error"] = label.text() if not label.isHidden() else ""
        shown["open"] = dialog.isVisible()
        dialog.findChild(QSpinBox, "redeemPointsSpin").setValue(10)
        click(qtbot, dialog, "saveButton")

    on_dialog(too_much)
    click(qtbot, tab, "redeemButton")
    assert "10" in shown["available"]
    assert shown["open"] and "10" in shown["error"] and "11" in shown["error"]
    assert balance(cid) == 0
    assert [e.points for e in PointsEntry.select().where(PointsEntry.kind == "redeem")] == [-10]
    assert "IV-1" in tab.findChild(QLabel, "pointsMessageLabel").text()


def test_an_adjustment_above_the_threshold_waits_for_approval(qtbot, specialist, supervisor):
    cid = customers.create_customer(specialist, CustomerInput(name="张伟"))
    tab = make_tab(qtbot, specialist, cid)
    shown = {}

    def adjust(dialog):
        shown["threshold"] = dialog.findChild(QLabel, "thresholdLabel").text()
        dialog.findChild(QSpinBox, "adjustPointsSpin").setValue(600)
        click(qtbot, dialog, "saveButton")               # no reason: refused beside the field
        shown["errors"] = dialog.shown_errors()
        dialog.findChild(QPlainTextEdit, "reasonEdit").setPlainText("投诉补偿")
        click(qtbot, dialog, "saveButton")

    on_dialog(adjust)
    click(qtbot, tab, "adjustButton")
    assert "500" in shown["threshold"] and "reason" in shown["errors"]
    assert balance(cid) == 0
    pending = tab.findChild(QTableWidget, "pendingTable")
    assert pending.rowCount() == 1 and pending.item(0, 0).text() == "+600"
    assert "1" in tab.findChild(QLabel, "pendingTitle").text()
    assert "500" in tab.findChild(QLabel, "pointsMessageLabel").text()
    assert not tab.findChild(QPushButton, "approveButton").isVisibleTo(tab)    # a specialist only sees it

    boss_tab = make_tab(qtbot, supervisor, cid)
    approve = boss_tab.findChild(QPushButton, "approveButton")
    assert approve.isVisibleTo(boss_tab) and approve.isEnabled()
    with qtbot.waitSignal(events().customersChanged, timeout=5000):
        qtbot.mouseClick(approve, Qt.MouseButton.LeftButton)
    assert balance(cid) == 600
    assert boss_tab.findChild(QTableWidget, "pendingTable").rowCount() == 0
    qtbot.waitUntil(lambda: tab.findChild(QTableWidget, "pendingTable").rowCount() == 0)   # refreshed by the event
    assert "600" in tab.findChild(QLabel, "balanceLabel").text()


def test_reversing_the_selected_entry_asks_for_confirmation(qtbot, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张伟", registered=True))
    tab = make_tab(qtbot, supervisor, cid)
    reverse = tab.findChild(QPushButton, "reverseButton")
    assert not reverse.isEnabled()
    tab.findChild(QTableView, "ledgerTable").selectRow(0)
    assert reverse.isEnabled()

    on_dialog(lambda dialog: dialog.reject())            # cancelled: nothing happens
    click(qtbot, tab, "reverseButton")
    assert balance(cid) == 10

    def confirm(dialog):
        dialog.findChild(QLineEdit, "reverseReasonEdit").setText("误操作")
        click(qtbot, dialog, "confirmReverseButton")

    on_dialog(confirm)
    click(qtbot, tab, "reverseButton")
    assert balance(cid) == 0
    ledger = tab.findChild(QTableView, "ledgerTable").model()
    assert ledger.rowCount() == 2 and ledger.row_at(0).kind == "reverse"


def test_run_expiry_and_check_points(qtbot, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张伟"))
    points.save_rule(supervisor, points.RuleInput(event="recharge", mode="per_amount", points=1,
                                                  per_amount_fen=10_000, validity_days=10))
    points.record_event(supervisor, cid, "recharge", amount_fen=100_000, reference="RC-1")
    clock.freeze(NOW + dt.timedelta(days=11))
    tab = make_tab(qtbot, supervisor, cid)
    assert not tab.findChild(QLabel, "overdueLabel").isHidden()
    click(qtbot, tab, "runExpiryButton")
    assert tab.last_expiry.entries == 1 and balance(cid) == 0
    assert tab.findChild(QLabel, "overdueLabel").isHidden()
    click(qtbot, tab, "checkPointsButton")
    qtbot.waitUntil(lambda: tab.last_report is not None, timeout=10000)
    assert tab.last_report.ok and tab.reconcile_dialog.isVisible()
    assert tab.reconcile_dialog.findChild(QLabel, "reconcileSummaryLabel").text()
    tab.reconcile_dialog.close()
    tab.shutdown()


def test_rules_dialog_saves_a_change(qtbot, supervisor):
    dialog = RulesDialog(supervisor)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget, "rulesTable")
    assert table.rowCount() == len(points.EVENTS)
    dialog.findChild(QSpinBox, "rulePoints_registration").setValue(18)
    dialog.findChild(QSpinBox, "thresholdSpin").setValue(300)
    click(qtbot, dialog, "saveButton")
    assert dialog.result() == dialog.DialogCode.Accepted
    assert PointsRule.get(PointsRule.event == "registration").points == 18
    assert points.adjustment_threshold() == 300


def test_summary_dialog_shows_the_period(qtbot, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张伟", registered=True))
    points.redeem(supervisor, cid, 4, "IV-1")
    dialog = SummaryDialog(supervisor)
    qtbot.addWidget(dialog)
    assert dialog.summary.issued_total == 10 and dialog.summary.redeemed == 4
    table = dialog.findChild(QTableWidget, "summaryTable")
    texts = [table.item(r, 0).text() for r in range(table.rowCount())]
    assert any("6" in t for t in texts[-1:])            # outstanding liability 6 yuan


def test_ledger_model_passes_the_model_tester(qtmodeltester, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张伟", registered=True, mobile="13812345678",
                                                              mobile_verified=True))
    model = LedgerModel()
    model.set_rows(points.customer_view(supervisor, cid).ledger)
    assert model.rowCount() == 2
    qtmodeltester.check(model)


def test_the_start_up_expiry_runs_off_the_ui_thread(qtbot, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张伟"))
    points.save_rule(supervisor, points.RuleInput(event="recharge", mode="per_amount", points=1,
                                                  per_amount_fen=10_000, validity_days=10))
    points.record_event(supervisor, cid, "recharge", amount_fen=100_000, reference="RC-1")
    clock.freeze(NOW + dt.timedelta(days=11))
    tab = make_tab(qtbot, supervisor, cid)
    with qtbot.waitSignal(events().customersChanged, timeout=10000) as signal:
        tab.expire_in_background()
    assert signal.args == [[]]                        # many customers may have changed
    assert tab.last_expiry.entries == 1 and balance(cid) == 0
    assert "10" in tab.findChild(QLabel, "pointsMessageLabel").text()
    assert "0" in tab.findChild(QLabel, "balanceLabel").text()
    tab.shutdown()
