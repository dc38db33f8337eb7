"""The enquiry dialog: from a bare caller number (matched to a customer when it belongs to one) and from a customer."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import Customer, Enquiry
from desktop_cs.services import customers, enquiries
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views.common.events import events
from desktop_cs.views.customers.enquiry_dialog import EnquiryDialog

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def fill(dialog, summary="咨询提现到账时间，已解答", channel="hotline", outcome="resolved") -> None:
    channel_combo = dialog.findChild(QComboBox, "channelCombo")
    channel_combo.setCurrentIndex(channel_combo.findData(channel))
    topic_combo = dialog.findChild(QComboBox, "topicCombo")
    topic_combo.setCurrentIndex(topic_combo.count() - 1)
    dialog.findChild(QPlainTextEdit, "summaryEdit").setPlainText(summary)
    outcome_combo = dialog.findChild(QComboBox, "outcomeCombo")
    outcome_combo.setCurrentIndex(outcome_combo.findData(outcome))


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.findChild(QPushButton, "saveButton"), Qt.MouseButton.LeftButton)


def test_from_a_bare_number(qtbot, specialist):
    dialog = EnquiryDialog(specialist)
    qtbot.addWidget(dialog)
    dialog.findChild(QLineEdit, "callerNumberEdit").setText("400-820-8820")
    assert dialog.findChild(QLabel, "callerMatchLabel").isHidden()
    fill(dialog, channel="im", outcome="handed_on")
    save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    stored = Enquiry.get_by_id(dialog.saved_id)
    assert (stored.customer_id, stored.caller_number, stored.channel, stored.outcome) == (
        None, "4008208820", "im", "handed_on")
    assert stored.topic_id == enquiries.topics()[-1].id and stored.handled_by_id == specialist.id


def test_a_number_of_a_known_customer_goes_on_their_page(qtbot, specialist, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678"))
    dialog = EnquiryDialog(specialist, caller_number="138 1234 5678")
    qtbot.addWidget(dialog)
    match = dialog.findChild(QLabel, "callerMatchLabel")
    assert not match.isHidden() and "张三" in match.text()
    assert dialog.findChild(QCheckBox, "attachCustomerCheck").isChecked()
    fill(dialog)
    with qtbot.waitSignal(events().customersChanged) as changed:
        save(qtbot, dialog)
    assert changed.args == [[cid]]
    assert Enquiry.get_by_id(dialog.saved_id).customer_id == cid
    assert Customer.get_by_id(cid).last_contact_at == NOW


def test_unticking_the_match_records_the_bare_number(qtbot, specialist, supervisor):
    customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678"))
    dialog = EnquiryDialog(specialist, caller_number="13812345678")
    qtbot.addWidget(dialog)
    dialog.findChild(QCheckBox, "attachCustomerCheck").setChecked(False)
    fill(dialog)
    save(qtbot, dialog)
    stored = Enquiry.get_by_id(dialog.saved_id)
    assert stored.customer_id is None and stored.caller_number == "13812345678"


def test_with_a_customer(qtbot, specialist):
    cid = customers.create_customer(specialist, CustomerInput(name="李四"))
    dialog = EnquiryDialog(specialist, customer_id=cid)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QLineEdit, "callerNumberEdit") is None
    assert dialog.findChild(QLabel, "enquiryCustomerLabel").text() == "李四"
    fill(dialog)
    save(qtbot, dialog)
    stored = Enquiry.get_by_id(dialog.saved_id)
    assert (stored.customer_id, stored.caller_number, stored.summary) == (cid, None, "咨询提现到账时间，已解答")
    assert Customer.get_by_id(cid).first_contact_at == NOW          # their own customer: the week is met


def test_errors_show_beside_their_fields_and_nothing_is_stored(qtbot, specialist):
    dialog = EnquiryDialog(specialist)
    qtbot.addWidget(dialog)
    fill(dialog, summary="   ")
    save(qtbot, dialog)
    assert dialog.findChild(QLabel, "summaryError").text() == _(
        "Write what the customer asked and what you answered.")
    assert dialog.findChild(QLabel, "callerNumberError").text() == _(
        "Choose a customer or enter the caller's number.")
    assert Enquiry.select().count() == 0


def test_ask_returns_the_id_and_the_channel_is_remembered(qtbot, specialist):
    cid = customers.create_customer(specialist, CustomerInput(name="李四"))

    def answer():
        dialog = next(w for w in QApplication.topLevelWidgets() if isinstance(w, EnquiryDialog) and w.isVisible())
        fill(dialog, channel="email")
        dialog.save()

    QTimer.singleShot(0, answer)
    enquiry_id = EnquiryDialog.ask(None, specialist, customer_id=cid)
    assert Enquiry.get_by_id(enquiry_id).channel == "email"
    dialog = EnquiryDialog(specialist, customer_id=cid)
    qtbot.addWidget(dialog)
    assert dialog.findChild(QComboBox, "channelCombo").currentData() == "email"
