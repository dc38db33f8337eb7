"""The customer page: fields masked, "Show" for supervisors only (audited), first-contact note, the whole timeline."""
from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QTreeWidget

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import AuditEntry, Callback, Complaint, ComplaintCategory, PointsEntry
from desktop_cs.services import assignment, customers, enquiries, identity, merge
from desktop_cs.services.customers import CustomerInput
from desktop_cs.views.common.events import events
from desktop_cs.views.customers.customer_page import CUSTOMER_ROLE, EVENT, KIND_ROLE, TIME, CustomerPage

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def later(**delta) -> None:
    clock.freeze(NOW + dt.timedelta(**delta))


def make_id(seq="123") -> str:
    first = "110105" + "19900307" + seq
    return first + identity.id_check_character(first)


def page_for(qtbot, actor, customer_id) -> CustomerPage:
    page = CustomerPage(actor)
    qtbot.addWidget(page)
    page.set_customer(customer_id)
    return page


def rows(page: CustomerPage) -> list[tuple[str, str, str, int]]:
    """(time, event title, kind, customer id) of every timeline row, top to bottom."""
    tree = page.findChild(QTreeWidget, "timelineList")
    return [(tree.topLevelItem(i).text(TIME), tree.topLevelItem(i).text(EVENT),
             tree.topLevelItem(i).data(EVENT, KIND_ROLE), tree.topLevelItem(i).data(EVENT, CUSTOMER_ROLE))
            for i in range(tree.topLevelItemCount())]


def text(page, name: str) -> str:
    return page.findChild(QLabel, name).text()


def test_the_timeline_shows_an_entry_from_each_area_newest_first(qtbot, supervisor, specialist):
    cid = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678"))
    later(minutes=1)
    customers.update_customer(supervisor, cid, CustomerInput(name="张三", mobile=None, memo="喜欢下午来电"))
    later(minutes=2)
    assignment.assign(supervisor, [cid], specialist.id)
    later(minutes=3)
    topic = enquiries.topics()[0]
    enquiries.record(specialist, channel="hotline", topic_id=topic.id, summary="咨询注册流程", customer_id=cid)
    later(minutes=4)
    Callback.create(customer=cid, assigned_to=specialist, due_at=clock.now() + dt.timedelta(days=1),
                    purpose="welcome")
    later(minutes=5)
    Complaint.create(customer=cid, channel="hotline", category=ComplaintCategory.select().first(),
                     description="提现到账慢", handler=specialist, created_by=specialist, received_at=clock.now())
    later(minutes=6)
    PointsEntry.create(customer=cid, kind="earn", points=50, reason="注册奖励", created_by=supervisor,
                       created_at=clock.now())

    page = page_for(qtbot, supervisor, cid)
    shown = rows(page)
    assert {kind for _t, _title, kind, _c in shown} == {"audit", "assignment", "enquiry", "callback", "complaint",
                                                         "points"}
    titles = [title for _t, title, _k, _c in shown]
    assert _("Customer recorded") in titles and _("Customer edited") in titles
    assert any(_("Enquiry: {topic}").format(topic=topic.name) == t for t in titles)
    # the first contact (due within the week) and the callback due tomorrow, then the newest
    assert [kind for _t, _title, kind, _c in shown][:3] == ["callback", "callback", "points"]
    times = [t for t, *_rest in shown][2:]
    assert times == sorted(times, reverse=True)
    assert page.findChild(QLabel, "timelineTitle").text() == _("History ({n} entries)").format(n=len(shown))


def test_fields_are_masked_and_the_show_button_is_hidden_for_a_specialist(qtbot, specialist):
    cid = customers.create_customer(specialist, CustomerInput(name="张三", mobile="13812345678",
                                                              id_number=make_id()))
    page = page_for(qtbot, specialist, cid)
    assert text(page, "pageMobileValue") == "138****5678"
    assert text(page, "pageIdNumberValue") == make_id()[:4] + "*" * 10 + make_id()[-4:]
    assert page.findChild(QPushButton, "showMobileButton").isHidden()
    assert page.findChild(QPushButton, "showIdButton").isHidden()
    assert page.findChild(QPushButton, "pageEditButton").isEnabled()   # their own customer


def test_show_reveals_the_full_mobile_for_a_supervisor_and_is_audited(qtbot, supervisor):
    cid = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678",
                                                              id_number=make_id()))
    other = customers.create_customer(supervisor, CustomerInput(name="李四", mobile="13900001111"))
    page = page_for(qtbot, supervisor, cid)
    button = page.findChild(QPushButton, "showMobileButton")
    assert not button.isHidden() and button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert text(page, "pageMobileValue") == "13812345678"
    assert text(page, "pageIdNumberValue") != make_id()                 # only what was asked for
    unmask = AuditEntry.select().where((AuditEntry.action == "unmask") & (AuditEntry.customer_id == cid))
    assert [(e.user_id, e.summary) for e in unmask] == [(supervisor.id, "mobile")]
    assert _("Full number shown") in [title for _t, title, _k, _c in rows(page)]
    qtbot.mouseClick(page.findChild(QPushButton, "showIdButton"), Qt.MouseButton.LeftButton)
    assert text(page, "pageIdNumberValue") == make_id()
    page.set_customer(other)                                              # the page changes: masked again
    assert text(page, "pageMobileValue") == "139****1111"
    page.set_customer(cid)
    assert text(page, "pageMobileValue") == "138****5678"


def test_an_overdue_first_contact_shows_a_red_note(qtbot, supervisor, specialist):
    cid = customers.create_customer(supervisor, CustomerInput(name="张三"))
    assignment.assign(supervisor, [cid], specialist.id)
    page = page_for(qtbot, supervisor, cid)
    note = page.findChild(QLabel, "firstContactNote")
    assert "李专员" in text(page, "pageAssignmentValue") and "2026-11-20" in text(page, "pageAssignmentValue")
    assert note.text() == _("First contact due by {date}").format(date="2026-11-27")
    later(days=8)
    page.refresh()
    assert note.text() == _("First contact overdue: it was due by {date} (one week after the assignment).").format(
        date="2026-11-27")
    assert "color" in note.styleSheet()


def test_the_page_follows_changes_and_marks_history_from_merged_customers(qtbot, supervisor):
    keep = customers.create_customer(supervisor, CustomerInput(name="张三", mobile="13812345678"))
    absorbed = customers.create_customer(supervisor, CustomerInput(name="張三", mobile="13900001111"))
    enquiries.record(supervisor, channel="im", topic_id=enquiries.topics()[0].id, summary="问积分",
                     customer_id=absorbed)
    page = page_for(qtbot, supervisor, keep)
    customers.update_customer(supervisor, keep, CustomerInput(name="张三丰", mobile=None))
    events().customersChanged.emit([keep])
    assert page.findChild(QLabel, "pageTitleLabel").text() == "张三丰"
    merge.merge(supervisor, keep, absorbed, set())
    events().customersChanged.emit([keep, absorbed])
    merged_rows = [r for r in rows(page) if r[3] == absorbed]
    assert merged_rows and all(r[1].startswith(_("[merged No. {id}]").format(id=absorbed))
                               for r in merged_rows)
    assert any(kind == "enquiry" for _t, _title, kind, _c in rows(page))   # the moved enquiry is on the kept page
    page.set_customer(absorbed)
    assert not page.findChild(QLabel, "pageStatusNote").isHidden()
    assert not page.findChild(QPushButton, "pageEditButton").isEnabled()


def test_no_customer_shows_the_empty_page(qtbot, supervisor):
    page = page_for(qtbot, supervisor, None)
    assert page.stack.currentWidget() is page.findChild(QLabel, "pageEmptyLabel")
