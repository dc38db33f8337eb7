"""The callback schedule tab: My day, the record form with its script, rescheduling, the complaint offer, dialogs."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, Qt, QTime
from PySide6.QtWidgets import QComboBox, QLabel, QMessageBox, QTableView, QWidget

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import Callback, CallbackAttempt, Handover
from desktop_cs.services import assignment, callbacks, customers, users
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views.callbacks import schedule_dialog
from desktop_cs.views.callbacks.callbacks_tab import CallbackScheduleTab
from desktop_cs.views.callbacks.campaign_dialog import CampaignDialog
from desktop_cs.views.callbacks.handover_dialog import HandoverDialog
from desktop_cs.views.callbacks.record_dialog import CallbackRecordDialog
from desktop_cs.views.callbacks.reminders import ReminderController
from desktop_cs.views.callbacks.schedule_dialog import ScheduleDialog
from desktop_cs.views.callbacks.settings_dialogs import CalendarDialog, QuietHoursDialog, RulesDialog
from desktop_cs.views.common.events import events
from tests.conftest import TEST_PASSWORD

NOW = dt.datetime(2026, 11, 20, 10, 0)        # a Friday


@pytest.fixture(autouse=True)
def fixed_clock(db):
    clock.freeze(NOW)


@pytest.fixture
def customer_id(supervisor, specialist):
    cid = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678"))
    assignment.assign(supervisor, [cid], specialist.id)
    return cid


@pytest.fixture
def callback_id(customer_id, specialist):
    return Callback.create(customer=customer_id, assigned_to=specialist, due_at=NOW - dt.timedelta(hours=1),
                           purpose="periodic_care").id


def shown(label: QLabel) -> bool:
    return not label.isHidden() and bool(label.text())


def make_tab(qtbot, actor) -> CallbackScheduleTab:
    tab = CallbackScheduleTab(actor, start_timers=False)
    qtbot.addWidget(tab)
    return tab


def make_dialog(qtbot, actor, callback_id) -> CallbackRecordDialog:
    dialog = CallbackRecordDialog(actor, callback_id)
    qtbot.addWidget(dialog)
    return dialog


def choose(combo: QComboBox, code) -> None:
    combo.setCurrentIndex(combo.findData(code))


# -- My day ----------------------------------------------------------------------------------------------

def test_my_day_is_the_default_view_with_red_overdue_rows_and_counts(qtbot, specialist, customer_id, callback_id):
    Callback.create(customer=customer_id, assigned_to=specialist, due_at=NOW + dt.timedelta(hours=5),
                    purpose="other")
    tab = make_tab(qtbot, specialist)
    assert tab.objectName() == "callbacksTab"
    assert tab.findChild(QWidget, "myDayView") is not None
    overdue = tab.findChild(QTableView, "overdueTable")
    assert overdue.model().rowCount() == 1
    color = overdue.model().index(0, 1).data(Qt.ItemDataRole.ForegroundRole)
    assert color is not None and color.name() == "#c62828"
    today = tab.findChild(QTableView, "dueTodayTable")
    assert today.model().rowCount() == 1 and today.model().index(0, 0).data(Qt.ItemDataRole.ForegroundRole) is None
    assert tab.findChild(QTableView, "upcomingTable").model().rowCount() == 1      # the first contact, next week
    assert tab.title(_("Callback schedule")) == f"{_('Callback schedule')} (1/1)"
    assert tab.findChild(QComboBox, "specialistSwitch").isHidden()               # a specialist sees their own


def test_a_supervisor_switches_between_team_and_one_specialist(qtbot, supervisor, specialist, callback_id):
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    tab = make_tab(qtbot, supervisor)
    switch = tab.findChild(QComboBox, "specialistSwitch")
    assert switch.currentData() == callbacks.TEAM
    assert tab.overdue_model.rowCount() == 1 and not tab.overdue_table.isColumnHidden(8)
    choose(switch, other.id)
    assert tab.overdue_model.rowCount() == 0 and tab.day.scope == "specialist"
    choose(switch, specialist.id)
    assert tab.overdue_model.rowCount() == 1


def test_the_main_window_title_carries_the_counts(qtbot, specialist, callback_id):
    from desktop_cs.views.main_window import MainWindow
    window = MainWindow(specialist)
    qtbot.addWidget(window)
    index = window.tabs.indexOf(window.callbacks_tab)
    assert window.tabs.tabText(index) == f"{_('Callback schedule')} (0/1)"
    window.callbacks_status.click()
    assert window.tabs.currentWidget() is window.callbacks_tab
    window.callbacks_tab.shutdown()


# -- the record form --------------------------------------------------------------------------------------

def test_a_missing_required_field_is_refused_beside_the_field(qtbot, specialist, callback_id):
    dialog = make_dialog(qtbot, specialist, callback_id)
    choose(dialog.findChild(QComboBox, "outcomeCombo"), "reached")
    choose(dialog.findChild(QComboBox, "satisfactionCombo"), "satisfied")
    dialog.findChild(QWidget, "durationEdit").setValue(3)
    dialog.findChild(QWidget, "saveResultButton").click()
    assert shown(dialog.findChild(QLabel, "opinionError"))
    assert shown(dialog.findChild(QLabel, "nextStepError"))
    assert not shown(dialog.findChild(QLabel, "satisfactionError"))
    assert dialog.result() != dialog.DialogCode.Accepted and dialog.result_ is None
    stored = Callback.get_by_id(callback_id)
    assert (stored.status, stored.attempts) == ("open", 0) and not CallbackAttempt.select().exists()
    # filled in, it is stored
    dialog.findChild(QWidget, "opinionEdit").setPlainText("服务很好")
    choose(dialog.findChild(QComboBox, "nextStepCombo"), "none")
    dialog.findChild(QWidget, "saveResultButton").click()
    assert Callback.get_by_id(callback_id).status == "done" and Callback.get_by_id(callback_id).duration_seconds == 180


def test_a_not_reached_try_reschedules_with_one_click(qtbot, specialist, callback_id):
    dialog = make_dialog(qtbot, specialist, callback_id)
    choose(dialog.findChild(QComboBox, "outcomeCombo"), "no_answer")
    with qtbot.waitSignal(events().customersChanged):
        dialog.later_today_action.trigger()
    stored = Callback.get_by_id(callback_id)
    assert stored.status == "open" and stored.attempts == 1 and stored.due_at == dt.datetime(2026, 11, 20, 14, 0)
    assert CallbackAttempt.get(CallbackAttempt.callback == callback_id).outcome == "no_answer"
    assert dialog.result() == dialog.DialogCode.Accepted


def test_the_third_failed_phone_try_suggests_sms(qtbot, specialist, callback_id):
    for _i in range(2):
        callbacks.reschedule(specialist, callback_id, "tomorrow", outcome="no_answer")
    dialog = make_dialog(qtbot, specialist, callback_id)
    assert dialog.findChild(QWidget, "smsSuggestion").isHidden()
    choose(dialog.findChild(QComboBox, "outcomeCombo"), "phone_off")
    dialog.tomorrow_action.trigger()
    assert not dialog.findChild(QWidget, "smsSuggestion").isHidden()
    dialog.findChild(QWidget, "switchToSmsButton").click()
    assert Callback.get_by_id(callback_id).method == "sms"


def test_the_script_switches_with_the_satisfaction(qtbot, specialist, callback_id):
    dialog = make_dialog(qtbot, specialist, callback_id)
    script = callbacks.standard_script("张三", specialist.display_name)
    follow_up = dialog.findChild(QLabel, "scriptFollowUpText")
    closing = dialog.findChild(QLabel, "scriptClosingText")
    assert "张三" in dialog.findChild(QLabel, "scriptOpeningText").text()
    assert "满意" in dialog.findChild(QLabel, "scriptQuestionText").text()       # the Chinese script
    choose(dialog.findChild(QComboBox, "satisfactionCombo"), "satisfied")
    assert (follow_up.text(), closing.text()) == (script.follow_up_satisfied, script.closing_satisfied)
    choose(dialog.findChild(QComboBox, "satisfactionCombo"), "average")
    assert (follow_up.text(), closing.text()) == (script.follow_up_other, script.closing_other)


def _record_unsatisfied(dialog):
    choose(dialog.findChild(QComboBox, "outcomeCombo"), "reached")
    choose(dialog.findChild(QComboBox, "satisfactionCombo"), "unsatisfied")
    dialog.findChild(QWidget, "opinionEdit").setPlainText("提现太慢")
    choose(dialog.findChild(QComboBox, "nextStepCombo"), "complaint")
    dialog.findChild(QWidget, "saveResultButton").click()


def test_an_unsatisfied_result_offers_a_complaint_when_the_complaint_area_exists(qtbot, monkeypatch, specialist,
                                                                                 customer_id, callback_id):
    monkeypatch.setattr(callbacks, "complaint_offer_available", lambda: True)
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog = make_dialog(qtbot, specialist, callback_id)
    with qtbot.waitSignal(events().openComplaintDraft) as signal:
        _record_unsatisfied(dialog)
    assert asked and "张三" in asked[0]
    assert signal.args == [customer_id, "提现太慢"]


def test_no_complaint_offer_while_there_is_no_complaint_area(qtbot, monkeypatch, specialist, callback_id):
    monkeypatch.setattr(callbacks, "complaint_offer_available", lambda: False)     # the area exists now
    monkeypatch.setattr(QMessageBox, "question", lambda *a: pytest.fail("offered without a complaint area"))
    dialog = make_dialog(qtbot, specialist, callback_id)
    _record_unsatisfied(dialog)
    assert dialog.result_ is not None and dialog.result_.offer_complaint


# -- other dialogs ------------------------------------------------------------------------------------------

def test_scheduling_into_quiet_hours_asks_first(qtbot, monkeypatch, specialist, customer_id):
    asked = []
    monkeypatch.setattr(schedule_dialog, "ask_quiet_time", lambda parent, w: asked.append(w) or "keep")
    dialog = ScheduleDialog(specialist, customer_id, "张三")
    qtbot.addWidget(dialog)
    dialog.due_edit.setDateTime(QDateTime(dt.date(2026, 11, 20), QTime(12, 30)))
    assert shown(dialog.findChild(QLabel, "dueAdvice"))
    assert dialog.save()
    assert asked and asked[0].suggestion == dt.datetime(2026, 11, 20, 14, 0)
    assert Callback.get_by_id(dialog.callback_id).due_at == dt.datetime(2026, 11, 20, 12, 30)


def test_scheduling_can_take_the_suggested_time(qtbot, monkeypatch, specialist, customer_id):
    monkeypatch.setattr(schedule_dialog, "ask_quiet_time", lambda parent, w: "suggested")
    dialog = ScheduleDialog(specialist, customer_id, "张三")
    qtbot.addWidget(dialog)
    dialog.due_edit.setDateTime(QDateTime(dt.date(2026, 11, 21), QTime(10, 0)))      # Saturday
    assert dialog.save()
    assert Callback.get_by_id(dialog.callback_id).due_at == dt.datetime(2026, 11, 23, 9, 0)


def test_handover_note_is_written_and_acknowledged_on_my_day(qtbot, supervisor, specialist, customer_id):
    dialog = HandoverDialog(supervisor, [(customer_id, None, "张三")])
    qtbot.addWidget(dialog)
    assert not dialog.save() and shown(dialog.findChild(QLabel, "handoverBodyError"))
    dialog.body_edit.setPlainText("张三下午回电")
    assert dialog.save()
    tab = make_tab(qtbot, specialist)
    assert tab.handover_list.count() == 1 and "张三下午回电" in tab.handover_list.item(0).text()
    tab.handover_list.setCurrentRow(0)
    tab.findChild(QWidget, "acknowledgeButton").click()
    assert tab.handover_list.count() == 0 and Handover.select().count() == 1


def test_campaign_dialog_generates_off_the_ui_thread(qtbot, supervisor, specialist):
    users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    for i in range(7):
        customers.create_customer(supervisor, CustomerInput(name=f"客户{i}"))
    dialog = CampaignDialog(supervisor)
    qtbot.addWidget(dialog)
    assert "7" in dialog.findChild(QLabel, "campaignPreview").text()
    dialog.name_edit.setText("周年庆回访")
    with qtbot.waitSignal(dialog.generated, timeout=10000) as signal:
        dialog.generate()
    result = signal.args[0]
    assert result.created == 7 and sorted(result.per_specialist.values()) == [3, 4]


def test_campaign_dialog_shows_errors_beside_fields(qtbot, supervisor, specialist):
    dialog = CampaignDialog(supervisor)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.worker.failed, timeout=10000):
        dialog.generate()
    assert shown(dialog.findChild(QLabel, "campaignNameError"))


def test_supervisor_settings_dialogs_open_and_save(qtbot, supervisor):
    rules = RulesDialog(supervisor)
    qtbot.addWidget(rules)
    assert rules.table.rowCount() >= 3 and rules.save()
    calendar_dialog = CalendarDialog(supervisor)
    qtbot.addWidget(calendar_dialog)
    assert calendar_dialog.library_table.rowCount() > 0
    calendar_dialog.add()
    assert calendar_dialog.override_table.rowCount() == 1
    quiet = QuietHoursDialog(supervisor)
    qtbot.addWidget(quiet)
    assert quiet.table.rowCount() == 3
    quiet.table.item(0, 1).setText("9点")
    assert not quiet.save() and shown(quiet.findChild(QLabel, "formError"))


def test_reminders_notice_once(qtbot, specialist, customer_id):
    Callback.create(customer=customer_id, assigned_to=specialist, due_at=NOW + dt.timedelta(minutes=10),
                    purpose="other")
    controller = ReminderController(specialist, use_tray=False)
    with qtbot.waitSignal(controller.notice) as signal:
        controller.check()
    assert "张三" in signal.args[0]
    assert controller.check() == ""                         # told once


def test_three_musts_panel_shows_the_figures(qtbot, supervisor, specialist, callback_id):
    tab = make_tab(qtbot, supervisor)
    figures = tab.three_musts.compute_now()
    assert figures.overdue == 1
    assert tab.findChild(QLabel, "overdueLabel").text() == "1"
    tab.shutdown()
