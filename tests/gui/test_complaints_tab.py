"""The complaint log tab and its dialogs: intake from a bare number, the repeat badge, escalation, the harassing-number
warning, overdue and escalated rows, the draft from an unsatisfied callback, the shortcut."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import Complaint, ComplaintCategory
from desktop_cs.services import assignment, complaints, customers
from desktop_cs.services.complaints import ComplaintInput
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views.common import ERROR_COLOR
from desktop_cs.views.common.events import events
from desktop_cs.views.complaints import complaint_page, complaints_tab
from desktop_cs.views.complaints.complaint_dialog import ComplaintDialog
from desktop_cs.views.complaints.complaints_tab import ComplaintLogTab
from desktop_cs.views.complaints.harassing_dialog import HarassingDialog
from desktop_cs.views.complaints.table_model import COLUMN_INDEX, ComplaintTableModel

NOW = dt.datetime(2026, 11, 20, 10, 0)     # a Friday


@pytest.fixture(autouse=True)
def fixed_clock(db):
    clock.freeze(NOW)


@pytest.fixture
def tab(qtbot, specialist):
    widget = ComplaintLogTab(specialist, start_timers=False)
    qtbot.addWidget(widget)
    return widget


def customer_with_complaints(supervisor, specialist, n: int) -> int:
    cid = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13900139000"))
    assignment.assign(supervisor, [cid], specialist.id)
    category = ComplaintCategory.select().first().id
    for days in range(n):
        clock.freeze(NOW - dt.timedelta(days=5 + days))
        complaints.create_complaint(specialist, ComplaintInput("hotline", category, "normal", "提现慢",
                                                               customer_id=cid))
    clock.freeze(NOW)
    return cid


def test_intake_from_a_bare_number(qtbot, tab, specialist):
    dialog = ComplaintDialog(specialist, parent=tab)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.number_edit, "abc")
    dialog.description_edit.setPlainText("客户称理财收益计算有误")
    assert not dialog.save()
    assert "caller_number" in dialog.shown_errors()            # the error beside the number
    dialog.number_edit.clear()
    qtbot.keyClicks(dialog.number_edit, "0755-1234567")
    assert dialog.repeat_panel.info is not None and dialog.repeat_panel.info.empty
    assert dialog.save(), dialog.shown_errors()
    complaint = Complaint.get_by_id(dialog.result_value.complaint_id)
    assert (complaint.customer_id, complaint.caller_number, complaint.handler_id) == (None, "0755-1234567",
                                                                                     specialist.id)
    assert complaint.promised_reply_at is not None                # promised by default, two hours on
    # the list and the page follow the broadcast
    assert tab.model.complaint_id(0) == complaint.id
    assert "0755-***4567" in tab.model.data(tab.model.index(0, COLUMN_INDEX["customer"]))     # masked


def test_the_repeat_badge_appears_for_a_customer_with_two_complaints_in_30_days(qtbot, supervisor, specialist):
    cid = customer_with_complaints(supervisor, specialist, 2)
    dialog = ComplaintDialog(specialist, customer_id=cid)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.findChild(type(dialog.repeat_panel), "repeatPanel") is dialog.repeat_panel
    assert dialog.repeat_badge.isVisible() and dialog.repeat_badge.objectName() == "repeatBadge"
    assert "2" in dialog.repeat_panel.summary.text()
    assert dialog.escalate_check.isChecked()                        # escalation suggested
    # the moment the full number is typed, for a caller not chosen as a customer
    other = ComplaintDialog(specialist)
    qtbot.addWidget(other)
    other.show()
    assert not other.repeat_badge.isVisible()
    qtbot.keyClicks(other.number_edit, "139 0013 9000")
    assert other.repeat_badge.isVisible() and other.match_label.isVisible()
    other.description_edit.setPlainText("又一次投诉提现")
    assert other.save(), other.shown_errors()
    saved = Complaint.get_by_id(other.result_value.complaint_id)
    assert saved.is_repeat and saved.escalated_at is not None       # escalated at once, as suggested


def test_escalation_from_the_complaint_page(qtbot, monkeypatch, tab, specialist):
    result = complaints.create_complaint(specialist, ComplaintInput(
        "hotline", ComplaintCategory.select().first().id, "high", "提现三天未到账", caller_number="13800138000"))
    tab.reload()
    tab.show_complaint(result.complaint_id)
    page = tab.page
    assert page.escalate_button.isEnabled()

    def fake_ask(parent, title, fields, note_label, note_required=False, submit=None):
        values = {"note": "客户要求主管处理"}
        submit(values)
        return values

    monkeypatch.setattr(complaint_page.ActionDialog, "ask", staticmethod(fake_ask))
    qtbot.mouseClick(page.escalate_button, Qt.MouseButton.LeftButton)
    complaint = Complaint.get_by_id(result.complaint_id)
    assert complaint.escalated_at == NOW and complaint.escalation_reason == "客户要求主管处理"
    assert not page.escalate_button.isEnabled()
    row = tab.model.row_of(result.complaint_id)
    assert tab.model.data(tab.model.index(row, 0), Qt.ItemDataRole.BackgroundRole) is not None   # amber row
    assert any("客户要求主管处理" in page.history.topLevelItem(i).text(3)
               for i in range(page.history.topLevelItemCount()))
    assert tab.escalated_check.objectName() == "escalatedFilter"
    tab.escalated_check.setChecked(True)
    assert tab.model.rowCount() == 1


def test_the_harassing_number_warning_shows_when_a_marked_number_is_typed(qtbot, specialist):
    complaints.log_harassing_call(specialist, "010-66668888", "无聊来电")
    dialog = ComplaintDialog(specialist)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.harassing_warning.isVisible()
    qtbot.keyClicks(dialog.number_edit, "010 6666 8888")
    assert dialog.harassing_warning.isVisible() and dialog.harassing_warning.objectName() == "harassingWarning"
    assert "1" in dialog.harassing_warning.text()
    dialog.number_edit.clear()
    assert not dialog.harassing_warning.isVisible()


def test_a_harassing_call_is_logged_in_a_few_clicks(qtbot, supervisor):
    dialog = HarassingDialog(supervisor)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.number_edit, "13500135000")
    qtbot.mouseClick(dialog.log_button, Qt.MouseButton.LeftButton)
    assert complaints.is_harassing("13500135000") and dialog.logged == 1
    assert dialog.table.rowCount() == 1 and dialog.table.item(0, 1).text() == "1"


def test_overdue_rows_are_red(qtbot, specialist):
    complaints.create_complaint(specialist, ComplaintInput(
        "hotline", ComplaintCategory.select().first().id, "normal", "未按约定回电", caller_number="13800138001",
        promised_reply_at=NOW + dt.timedelta(minutes=30)))
    clock.freeze(NOW + dt.timedelta(hours=1))
    model = ComplaintTableModel(specialist)
    model.setQuery(complaints.ComplaintQuery())
    color = model.data(model.index(0, 0), Qt.ItemDataRole.ForegroundRole)
    assert color is not None and color.name() == ERROR_COLOR
    assert _("Overdue") in model.data(model.index(0, COLUMN_INDEX["flags"]))


def test_the_model_passes_the_model_tester(qtmodeltester, specialist):
    for i in range(3):
        complaints.create_complaint(specialist, ComplaintInput(
            "hotline", ComplaintCategory.select().first().id, "normal", f"投诉{i}", caller_number=f"1380013800{i}"))
    model = ComplaintTableModel(specialist, page_size=2)
    model.setQuery(complaints.ComplaintQuery())
    assert model.rowCount() == 2 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 3


def test_an_unsatisfied_callback_opens_a_prefilled_draft(monkeypatch, tab, supervisor):
    seen = []
    monkeypatch.setattr(complaints_tab.ComplaintDialog, "ask",
                        classmethod(lambda cls, parent, actor, customer_id=None, text="", caller_number="":
                                    seen.append((parent, customer_id, text))))
    events().openComplaintDraft.emit(42, "提现太慢")
    assert [(c, t) for parent, c, t in seen if parent is tab] == [(42, "提现太慢")]


def test_the_draft_dialog_is_filled_with_the_customer_and_the_text(qtbot, supervisor, specialist):
    cid = customers.create_customer(supervisor, CustomerInput(name="李四", mobile="13700137000"))
    dialog = ComplaintDialog(specialist, customer_id=cid, text="回访时表示不满意")
    qtbot.addWidget(dialog)
    assert dialog.customer_id() == cid and dialog.description_edit.toPlainText() == "回访时表示不满意"
    assert not dialog.number_edit.isEnabled()


def test_new_complaint_shortcut_in_the_file_menu(qtbot, monkeypatch, supervisor):
    from desktop_cs.views.main_window import MainWindow
    window = MainWindow(supervisor)
    qtbot.addWidget(window)
    action = window.new_complaint_action
    assert action.objectName() == "newComplaintAction"
    assert action.shortcut() == QKeySequence("Ctrl+Shift+N")
    assert action in window.findChild(type(window.menuBar().actions()[0].menu()), "fileMenu").actions()
    asked = []
    monkeypatch.setattr(window.complaints_tab, "new_complaint", lambda customer_id=None: asked.append(customer_id))
    action.trigger()
    assert asked == [None]
    assert window.tabs.widget(2) is window.complaints_tab and window.complaints_tab.objectName() == "complaintsTab"


def test_my_days_complaint_panel_puts_escalations_first_and_opens_the_complaint(qtbot, specialist, tab):
    from desktop_cs.views.complaints.due_panel import ComplaintsDuePanel
    category = ComplaintCategory.select().first().id
    late = complaints.create_complaint(specialist, ComplaintInput(
        "hotline", category, "normal", "未按约定回电", caller_number="13800138002",
        promised_reply_at=NOW + dt.timedelta(minutes=10))).complaint_id
    hot = complaints.create_complaint(specialist, ComplaintInput(
        "hotline", category, "high", "要求主管处理", caller_number="13800138003")).complaint_id
    complaints.escalate(specialist, hot, "客户要求主管处理")
    clock.freeze(NOW + dt.timedelta(hours=1))
    panel = ComplaintsDuePanel(specialist)
    qtbot.addWidget(panel)
    ids = [panel.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(panel.list.count())]
    assert ids[:2] == [hot, late]
    assert panel.list.item(1).foreground().color().name() == ERROR_COLOR
    panel.list.itemActivated.emit(panel.list.item(0))
    assert tab.page.complaint_id() == hot
