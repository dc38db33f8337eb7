"""The merge dialog: every attached record moves to the kept customer (counted before and after), chosen fields too."""
from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QRadioButton

from desktop_cs import clock
from desktop_cs.models import Callback, Complaint, ComplaintCategory, Customer, Enquiry, PointsEntry
from desktop_cs.services import customers, enquiries
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views.common.events import events
from desktop_cs.views.customers.merge_dialog import MergeDialog

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def attach_history(customer_id: int, actor, n: int) -> None:
    """N callbacks, complaints and enquiries, and 10 points per N, on the customer."""
    category = ComplaintCategory.select().first()
    topic = enquiries.topics()[0].id
    for i in range(n):
        Callback.create(customer=customer_id, assigned_to=actor, due_at=NOW + dt.timedelta(days=i + 1),
                        purpose="welcome")
        Complaint.create(customer=customer_id, channel="hotline", category=category, description=f"投诉 {i}",
                         handler=actor, created_by=actor)
        enquiries.record(actor, channel="hotline", topic_id=topic, summary=f"咨询 {i}", customer_id=customer_id)
    PointsEntry.create(customer=customer_id, kind="earn", points=10 * n, reason="测试", created_by=actor)


def counts(customer_id: int) -> dict[str, int]:
    return {"callbacks": Callback.select().where(Callback.customer == customer_id).count(),
            "complaints": Complaint.select().where(Complaint.customer == customer_id).count(),
            "enquiries": Enquiry.select().where(Enquiry.customer == customer_id).count(),
            "points": PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0))
            .where(PointsEntry.customer == customer_id).scalar()}


@pytest.fixture
def pair(supervisor):
    keep = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678"))
    absorbed = customers.create_customer(supervisor, CustomerInput(name="張三", mobile="13900001111",
                                                                   email="zs@example.com", memo="重复录入"))
    attach_history(keep, supervisor, 1)
    attach_history(absorbed, supervisor, 2)
    return keep, absorbed


def radio(dialog, name: str) -> QRadioButton:
    button = dialog.findChild(QRadioButton, name)
    assert button is not None, name
    return button


def test_merge_moves_every_attached_record_and_the_taken_fields(qtbot, supervisor, pair):
    keep, absorbed = pair
    before_keep, before_absorbed = counts(keep), counts(absorbed)
    dialog = MergeDialog(supervisor, keep, absorbed)
    qtbot.addWidget(dialog)
    summary = dialog.findChild(QLabel, "mergeSummaryLabel").text()
    assert "2" in summary and "張三" in summary
    assert radio(dialog, "keep_name").isChecked()
    assert radio(dialog, "take_email").isChecked()            # the kept customer has none: taken by default
    radio(dialog, "take_memo").setChecked(True)
    merge_button = dialog.findChild(QPushButton, "mergeButton")
    assert not merge_button.isEnabled()                        # not before the confirmation
    dialog.findChild(QCheckBox, "confirmCheck").setChecked(True)
    with qtbot.waitSignal(events().customersChanged) as changed:
        qtbot.mouseClick(merge_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert sorted(changed.args[0]) == sorted([keep, absorbed])

    after_keep, after_absorbed = counts(keep), counts(absorbed)
    for key in ("callbacks", "complaints", "enquiries", "points"):
        assert after_keep[key] == before_keep[key] + before_absorbed[key], key
        assert after_absorbed[key] == 0, key
    kept = Customer.get_by_id(keep)
    assert (kept.name, kept.mobile, kept.email, kept.memo) == ("张三", "13812345678", "zs@example.com",
                                                               "重复录入")
    assert Customer.get_by_id(absorbed).merged_into_id == keep
    assert (dialog.result_.callbacks, dialog.result_.complaints, dialog.result_.enquiries,
            dialog.result_.points_moved) == (2, 2, 2, 20)


def test_swap_keeps_the_other_customer(qtbot, supervisor, pair):
    keep, absorbed = pair
    dialog = MergeDialog(supervisor, keep, absorbed)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.findChild(QPushButton, "swapButton"), Qt.MouseButton.LeftButton)
    assert (dialog.keep_id, dialog.absorb_id) == (absorbed, keep)
    assert radio(dialog, "keep_name").text() == "張三"
    dialog.findChild(QCheckBox, "confirmCheck").setChecked(True)
    assert dialog.do_merge()
    assert Customer.get_by_id(keep).merged_into_id == absorbed
    assert counts(absorbed)["callbacks"] == 3 and counts(keep)["callbacks"] == 0


def test_a_refused_merge_shows_why_and_changes_nothing(qtbot, specialist, supervisor):
    mine = customers.create_customer(specialist, CustomerInput(name="张三"))
    others = customers.create_customer(supervisor, CustomerInput(name="張三"))
    dialog = MergeDialog(specialist, mine, others)
    qtbot.addWidget(dialog)
    dialog.findChild(QCheckBox, "confirmCheck").setChecked(True)
    assert not dialog.do_merge()
    assert not dialog.findChild(QLabel, "formError").isHidden()
    assert Customer.get_by_id(others).merged_into_id is None
