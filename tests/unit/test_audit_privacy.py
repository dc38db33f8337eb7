"""After a busy day at the desk, the whole audit table holds no full 11-digit mobile and no full 18-character ID."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from desktop_cs import clock
from desktop_cs.models import AuditEntry, ComplaintCategory, EnquiryTopic, RootCause
from desktop_cs.services import (assignment, audit, callbacks, complaints, customers, enquiries, merge, points,
                                 users)
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.demo_data import id_check_char
from desktop_cs.services.errors import AuthenticationFailed
from tests.conftest import TEST_PASSWORD

MOBILE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
NOW = dt.datetime(2026, 11, 18, 10, 0, 0)


def _id(body17: str) -> str:
    return body17 + id_check_char(body17)


def _whole_table() -> str:
    return "\n".join(f"{e.user_name}|{e.summary}|{e.details}" for e in AuditEntry.select())


def _busy_day(supervisor, specialist, *, free_text_numbers: bool) -> None:
    """Customers with numbers created, edited, shown, merged, erased; enquiries, complaints and harassing calls
    from bare numbers; callbacks, points, sign-ins. FREE_TEXT_NUMBERS: numbers also typed into free text and as
    a login (only the audit log's safety net can catch those)."""
    clock.freeze(NOW)
    ids = [_id("11010519800101001"), _id("11010519850202002"), _id("11010519900303003")]
    a = customers.create_customer(specialist, CustomerInput(name="张三", mobile="13812345678", id_number=ids[0],
                                                            realname_verified=True, mobile_verified=True))
    b = customers.create_customer(specialist, CustomerInput(name="張三", mobile="13987654321"))
    c = customers.create_customer(supervisor, CustomerInput(name="李四", mobile="15011112222", id_number=ids[1]))
    # edits of the numbers themselves: before -> after
    customers.update_customer(specialist, a, CustomerInput(name="张三", mobile="13812345679", id_number=ids[2],
                                                           realname_verified=True, mobile_verified=True))
    customers.update_customer(specialist, b, CustomerInput(name="張三", mobile="13987654320", id_number=None))
    for field in ("mobile", "id_number"):
        customers.reveal(supervisor, c, field)
    assignment.assign(supervisor, [c], specialist.id)
    merge.merge(specialist, a, b, {"mobile"})
    topic = EnquiryTopic.select().first().id
    enquiries.record(specialist, channel="hotline", topic_id=topic, caller_number="13700001111",
                     summary="客户 13700001111 问提现" if free_text_numbers else "问提现")
    enquiries.record(specialist, channel="hotline", topic_id=topic, customer_id=c, summary="问积分")
    category = ComplaintCategory.select().first().id
    intake = complaints.create_complaint(specialist, complaints.ComplaintInput(
        channel="hotline", category_id=category, severity="normal", caller_number="13600002222",
        description=f"来电号码 13600002222，身份证 {ids[1]}" if free_text_numbers else "来电投诉到账慢"))
    complaints.create_complaint(specialist, complaints.ComplaintInput(
        channel="hotline", category_id=category, severity="high", caller_number="13500003333",
        create_prospect=True, prospect_name="王五", description="要求回电"))
    complaints.start(specialist, intake.complaint_id)
    complaints.resolve(specialist, intake.complaint_id, "已处理", RootCause.select().first().id)
    complaints.mark_harassing(specialist, "13400004444", "骚扰")
    complaints.log_harassing_call(specialist, "13400004444", "又来电")
    callbacks.schedule(specialist, a, dt.datetime(2026, 11, 19, 10, 0), "periodic_care")
    points.record_event(specialist, a, "investment", amount_fen=1_000_000, reference="IV-1")
    points.redeem(specialist, a, 50, "IV-2")
    points.request_adjustment(specialist, c, 20, "补发")
    for login in (("13812345678", ids[0], "boss") if free_text_numbers else ("boss",)):
        with pytest.raises(AuthenticationFailed):
            users.authenticate(login, "wrong-password")
    users.authenticate("spec1", TEST_PASSWORD)
    customers.delete_customer(specialist, c, "重复" + (" 15011112222" if free_text_numbers else ""))
    customers.restore_customer(supervisor, c)
    customers.erase_personal_data(supervisor, c, "客户要求删除")
    audit.verify(supervisor)


def test_no_full_number_in_the_audit_table_after_a_busy_day(supervisor, specialist):
    _busy_day(supervisor, specialist, free_text_numbers=True)
    text = _whole_table()
    assert AuditEntry.select().count() > 30
    assert MOBILE.findall(text) == []
    assert ID_NUMBER.findall(text) == []
    assert "138****5678" in text and "1101**********" in text        # masked forms are there
    assert audit.verify_chain().ok


def test_the_services_mask_by_themselves(supervisor, specialist, monkeypatch):
    """Without the audit log's safety net, the structured values the services write are masked already."""
    monkeypatch.setattr(audit, "scrub_text", lambda text: text)
    monkeypatch.setattr(audit, "scrub", lambda value: value)
    _busy_day(supervisor, specialist, free_text_numbers=False)
    text = _whole_table()
    assert MOBILE.findall(text) == []
    assert ID_NUMBER.findall(text) == []
