"""The complaint log's services: intake, caller numbers, the closed loop and what each rule refuses, deadlines in
working hours, verification results, repeat callers, harassing numbers, the list and the analysis figures."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_cs import clock
from desktop_cs.models import (AuditEntry, Callback, Complaint, ComplaintCategory, ComplaintStateChange, Customer,
                               Enquiry, EnquiryTopic, PointsAdjustment, PointsEntry, RootCause)
from desktop_cs.services import assignment, callbacks, complaints, customers, enquiries, phone_numbers, users
from desktop_cs.services.complaints import ComplaintEdit, ComplaintInput, ComplaintQuery
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.errors import Conflict, FormErrors, PermissionDenied, ValidationError
from tests.conftest import TEST_PASSWORD

T = dt.datetime
D = dt.date
NOW = T(2026, 11, 20, 10, 0)          # a Friday morning


@pytest.fixture(autouse=True)
def fixed_clock(db):
    clock.freeze(NOW)


def at(moment: dt.datetime) -> None:
    clock.freeze(moment)


def new_customer(actor, name="张三", mobile="", assign_to=None, **kw) -> int:
    cid = customers.create_customer(actor, CustomerInput(name=name, mobile=mobile, **kw))
    if assign_to is not None:
        assignment.assign(actor, [cid], assign_to.id)
    return cid


def category(name="服务态度") -> int:
    return ComplaintCategory.get(ComplaintCategory.name == name).id


def cause(name="系统故障") -> int:
    return RootCause.get(RootCause.name == name).id


def intake(actor, customer_id=None, number="", severity="normal", promise=None, handler=None, cat="产品",
           **kw) -> complaints.IntakeResult:
    return complaints.create_complaint(actor, ComplaintInput(
        channel="hotline", category_id=category(cat), severity=severity, description="提现三天未到账",
        customer_id=customer_id, caller_number=number, promised_reply_at=promise,
        handler_id=handler.id if handler else None, **kw))


def transitions(complaint_id: int) -> list[tuple[str | None, str]]:
    return [(h.from_status, h.to_status) for h in ComplaintStateChange.select()
            .where(ComplaintStateChange.complaint == complaint_id).order_by(ComplaintStateChange.id)
            if h.from_status != h.to_status]


def verification_callback(complaint_id: int) -> Callback:
    return Callback.get((Callback.complaint == complaint_id) & (Callback.status == "open"))


# -- caller numbers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("typed, stored, kind", [
    ("13812345678", "13812345678", "mobile"),
    ("+86 138-1234-5678", "13812345678", "mobile"),
    ("010-12345678", "010-12345678", "landline"),
    ("0755-1234567", "0755-1234567", "landline"),
    ("0755 12345678", "0755-12345678", "landline"),
    ("4008001234", "4008001234", "service"),
    ("400-800-1234", "4008001234", "service"),
    ("800-810-1234", "8008101234", "service"),
    ("withheld", "withheld", "withheld"),
    ("隐藏号码", "withheld", "withheld"),
])
def test_caller_numbers_each_checked_by_their_own_rule(typed, stored, kind):
    checked = phone_numbers.check_caller_number(typed)
    assert (checked.number, checked.kind) == (stored, kind)


@pytest.mark.parametrize("typed", ["abc", "12345", "12012345678", "87654321", "0123-1234567", "95588",
                                   "400-123", "13812345678999", ""])
def test_garbage_numbers_are_refused_with_a_reason(typed):
    with pytest.raises(ValidationError) as refused:
        phone_numbers.check_caller_number(typed)
    assert refused.value.field == "caller_number" and refused.value.message


def test_the_withheld_box_needs_no_number():
    assert phone_numbers.check_caller_number("", withheld=True).number == phone_numbers.WITHHELD


# -- intake ---------------------------------------------------------------------------------------------

def test_an_unknown_caller_stays_a_bare_number(specialist):
    result = intake(specialist, number="0755-1234567", promise=NOW + dt.timedelta(hours=2))
    c = Complaint.get_by_id(result.complaint_id)
    assert (c.customer_id, c.caller_number, c.status, c.handler_id, c.created_by_id) == (
        None, "0755-1234567", "received", specialist.id, specialist.id)
    assert c.promises_made == 1 and c.first_response_due and c.resolution_due
    assert transitions(c.id) == [(None, "received")]
    entry = AuditEntry.get(AuditEntry.action == "complaint_received")
    assert "1234567" not in entry.details          # masked in the audit log


def test_an_unknown_caller_can_become_a_prospect(specialist):
    result = intake(specialist, number="138 0013 8000", create_prospect=True, prospect_name="王女士")
    customer = Customer.get_by_id(result.customer_id)
    assert (customer.name, customer.mobile, customer.customer_type) == ("王女士", "13800138000", "prospect")
    assert Complaint.get_by_id(result.complaint_id).caller_number is None
    withheld = pytest.raises(FormErrors)
    with withheld as refused:
        intake(specialist, number="", withheld=True, create_prospect=True)
    assert "caller_number" in refused.value.errors


def test_intake_errors_name_their_fields(specialist):
    with pytest.raises(FormErrors) as refused:
        complaints.create_complaint(specialist, ComplaintInput(channel="fax", category_id=None, severity="huge",
                                                               description="  ", caller_number="abc",
                                                               promised_reply_at=NOW - dt.timedelta(hours=1)))
    assert set(refused.value.errors) == {"channel", "category", "severity", "description", "caller_number",
                                         "promised_reply_at"}
    with pytest.raises(FormErrors) as refused:
        intake(specialist)
    assert "caller_number" in refused.value.errors
    assert Complaint.select().count() == 0


# -- the closed loop ------------------------------------------------------------------------------------------

def test_a_complaint_walks_through_every_state(supervisor, specialist):
    cid = new_customer(supervisor, mobile="13900139000", assign_to=specialist)
    result = intake(specialist, customer_id=cid, promise=NOW + dt.timedelta(hours=3))
    comp = result.complaint_id

    at(NOW + dt.timedelta(minutes=20))
    complaints.start(specialist, comp, "已受理")
    at(NOW + dt.timedelta(hours=1))
    complaints.respond(specialist, comp, "已联系财务,明天答复", new_promise=T(2026, 11, 23, 10, 0))
    c = Complaint.get_by_id(comp)
    assert c.first_response_at == NOW + dt.timedelta(hours=1) and c.promises_kept == 1 and c.promises_made == 2
    assert Customer.get_by_id(cid).first_contact_at is not None      # handled by the assigned specialist

    complaints.escalate(specialist, comp, "客户要求主管处理")
    at(T(2026, 11, 23, 9, 30))
    resolved = complaints.resolve(specialist, comp, "财务已加急处理,款项已到账", cause("流程延误"))
    c = Complaint.get_by_id(comp)
    assert c.status == "resolved" and c.resolved_at == T(2026, 11, 23, 9, 30) and c.promises_kept == 2
    cb = Callback.get_by_id(resolved.callback_id)
    assert cb.complaint_id == comp and cb.purpose == "complaint_check"
    assert cb.due_at <= T(2026, 11, 26, 9, 30)                       # within three days

    at(T(2026, 11, 24, 15, 0))
    callbacks.record_result(specialist, cb.id, "reached", "satisfied", "处理及时", "", 120, "none")
    assert Complaint.get_by_id(comp).status == "verified"
    complaints.close(specialist, comp)
    c = Complaint.get_by_id(comp)
    assert (c.status, c.satisfaction, c.closed_at) == ("closed", "satisfied", T(2026, 11, 24, 15, 0))
    assert transitions(comp) == [(None, "received"), ("received", "in_progress"), ("in_progress", "resolved"),
                                 ("resolved", "verified"), ("verified", "closed")]
    history = complaints.get_complaint(supervisor, comp).history
    assert all(h.by and h.at for h in history)
    assert any("客户要求主管处理" in h.note for h in history)          # escalation in the history
    assert c.version > 5


def test_resolving_needs_a_resolution_and_a_root_cause(specialist):
    comp = intake(specialist, number="13800000001").complaint_id
    with pytest.raises(FormErrors) as refused:
        complaints.resolve(specialist, comp, "   ", None)
    assert set(refused.value.errors) == {"resolution", "root_cause"}
    inactive = RootCause.create(name="停用原因", active=False)
    with pytest.raises(FormErrors) as refused:
        complaints.resolve(specialist, comp, "已处理", inactive.id)
    assert set(refused.value.errors) == {"root_cause"}
    assert Complaint.get_by_id(comp).status == "received"


def test_closing_needs_a_satisfied_callback_or_a_supervisors_override(supervisor, specialist):
    cid = new_customer(supervisor, assign_to=specialist)
    comp = intake(specialist, customer_id=cid).complaint_id
    with pytest.raises(ValidationError):
        complaints.close(specialist, comp)                       # received: nothing to close
    complaints.resolve(specialist, comp, "已解释", cause())
    with pytest.raises(ValidationError) as refused:
        complaints.close(specialist, comp)                       # the callback is not done yet
    assert refused.value.field == "override_reason"
    with pytest.raises(PermissionDenied):
        complaints.close(specialist, comp, override_reason="客户联系不上")   # only a supervisor overrides
    assert AuditEntry.select().where(AuditEntry.action == "permission_denied").exists()
    with pytest.raises(ValidationError):
        complaints.close(supervisor, comp, override_reason="   ")          # an override needs its reason
    complaints.close(supervisor, comp, override_reason="客户三次未接通,经主管确认结案")
    c = Complaint.get_by_id(comp)
    assert c.status == "closed" and "三次未接通" in c.close_override_reason
    assert not Callback.select().where((Callback.complaint == comp) & (Callback.status == "open")).exists()


def test_a_specialist_cannot_work_on_anothers_complaint(supervisor, specialist):
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    comp = intake(other, number="13800000002").complaint_id         # anyone may record, for anyone
    with pytest.raises(PermissionDenied):
        complaints.start(specialist, comp)
    complaints.start(supervisor, comp)                               # a supervisor may


def test_a_stale_edit_is_refused(specialist):
    comp = intake(specialist, number="13800000003").complaint_id
    version = Complaint.get_by_id(comp).version
    complaints.edit_complaint(specialist, comp, ComplaintEdit("im", category(), "high", "改为高"), version)
    with pytest.raises(Conflict):
        complaints.edit_complaint(specialist, comp, ComplaintEdit("im", category(), "low", "旧副本"), version)
    c = Complaint.get_by_id(comp)
    assert (c.severity, c.description) == ("high", "改为高")
    assert c.first_response_due == complaints.deadlines(NOW, "high")[0]


# -- verification results --------------------------------------------------------------------------------------

@pytest.fixture
def resolved(supervisor, specialist):
    cid = new_customer(supervisor, assign_to=specialist)
    comp = intake(specialist, customer_id=cid).complaint_id
    complaints.resolve(specialist, comp, "已退还手续费", cause())
    return comp


def test_average_result_waits_for_the_handler_to_close_with_a_note(specialist, resolved):
    callbacks.record_result(specialist, verification_callback(resolved).id, "reached", "average", "一般", "", 60,
                            "none")
    c = Complaint.get_by_id(resolved)
    assert (c.status, c.satisfaction) == ("verified", "average")
    detail = complaints.get_complaint(specialist, resolved)
    assert detail.can_close and detail.close_needs_note and detail.can_reopen
    with pytest.raises(ValidationError) as refused:
        complaints.close(specialist, resolved)
    assert refused.value.field == "note"
    complaints.close(specialist, resolved, note="客户表示可以接受")
    assert Complaint.get_by_id(resolved).status == "closed"


def test_average_result_may_be_reopened_instead(specialist, resolved):
    callbacks.record_result(specialist, verification_callback(resolved).id, "reached", "average", "一般", "", 60,
                            "none")
    with pytest.raises(ValidationError):
        complaints.reopen(specialist, resolved, "")
    complaints.reopen(specialist, resolved, "客户仍有疑虑,继续跟进")
    c = Complaint.get_by_id(resolved)
    assert (c.status, c.reopened_count, c.resolved_at) == ("in_progress", 1, None)


def test_unsatisfied_result_reopens_and_a_new_resolution_needs_a_new_check(specialist, resolved):
    first = verification_callback(resolved)
    callbacks.record_result(specialist, first.id, "reached", "unsatisfied", "问题没解决", "", 60, "none")
    c = Complaint.get_by_id(resolved)
    assert (c.status, c.reopened_count, c.satisfaction) == ("in_progress", 1, "unsatisfied")
    assert transitions(resolved)[-1] == ("resolved", "in_progress")
    with pytest.raises(ValidationError):
        complaints.close(specialist, resolved)
    at(NOW + dt.timedelta(hours=5))
    again = complaints.resolve(specialist, resolved, "补发积分并致歉", cause())
    assert again.callback_id != first.id and Callback.get_by_id(again.callback_id).status == "open"


def test_not_reached_leaves_it_resolved_for_a_supervisors_override(supervisor, specialist, resolved):
    cb = verification_callback(resolved)
    for hour in (11, 15, 17):
        at(T(2026, 11, 20, hour, 0))
        callbacks.reschedule(specialist, cb.id, "tomorrow", outcome="no_answer")
    detail = complaints.get_complaint(specialist, resolved)
    assert detail.status_code == "resolved" and detail.verification.not_reached
    assert detail.verification.failed_attempts == 3 and "3" in detail.close_hint
    assert not detail.can_close and not detail.can_override
    assert complaints.get_complaint(supervisor, resolved).can_override
    complaints.close(supervisor, resolved, override_reason="三次未接通")
    assert Callback.get_by_id(cb.id).status == "cancelled"


def test_a_wrong_number_result_goes_into_the_history(specialist, resolved):
    callbacks.record_result(specialist, verification_callback(resolved).id, "wrong_number", notes="空号")
    detail = complaints.get_complaint(specialist, resolved)
    assert detail.status_code == "resolved" and detail.verification.not_reached
    assert "主管" in detail.history[-1].note or "supervisor" in detail.history[-1].note


def test_a_bare_number_complaint_has_no_callback_and_closes_by_override(supervisor, specialist):
    comp = intake(specialist, number="13800000004").complaint_id
    result = complaints.resolve(specialist, comp, "已解释", cause())
    assert result.callback_id is None and result.message
    assert complaints.get_complaint(specialist, comp).close_hint
    complaints.close(supervisor, comp, override_reason="来电者未留资料")
    assert Complaint.get_by_id(comp).status == "closed"


# -- deadlines in working hours ------------------------------------------------------------------------------

def test_deadlines_skip_the_weekend(specialist):
    at(T(2026, 11, 20, 20, 0))                        # Friday evening, one working hour before quiet hours
    comp = intake(specialist, number="13800000005", severity="high").complaint_id
    c = Complaint.get_by_id(comp)
    assert c.first_response_due == T(2026, 11, 23, 10, 0)          # 1 h Friday + 1 h Monday
    assert c.resolution_due == T(2026, 11, 24, 16, 0)              # 16 h: 1 + 10 (Monday) + 3 + 2 (Tuesday)


def test_deadlines_skip_the_national_day_holiday(specialist):
    at(T(2026, 9, 30, 19, 0))                         # the evening before National Day (1-7 October)
    comp = intake(specialist, number="13800000006", severity="normal").complaint_id
    c = Complaint.get_by_id(comp)
    assert c.first_response_due == T(2026, 10, 8, 11, 0)           # 2 h on 30 September, 2 h on 8 October
    # 24 h: 2 + 10 (8 Oct) + 10 (9 Oct) + 2 on Saturday 10 October, a make-up working day
    assert c.resolution_due == T(2026, 10, 10, 11, 0)


def test_a_breached_deadline_is_flagged(specialist):
    comp = intake(specialist, number="13800000007", severity="critical").complaint_id
    at(NOW + dt.timedelta(hours=2))
    row = complaints.search_page(specialist, ComplaintQuery())[0]
    assert row.id == comp and row.first_response_breached and not row.resolution_breached
    assert complaints.complaints_due(specialist).breached[0].id == comp


def test_targets_are_edited_by_a_supervisor_and_apply_to_new_complaints(supervisor, specialist):
    with pytest.raises(PermissionDenied):
        complaints.save_severity_target(specialist, "normal", 2, 10)
    with pytest.raises(FormErrors):
        complaints.save_severity_target(supervisor, "normal", 12, 10)
    complaints.save_severity_target(supervisor, "normal", 2, 10)
    comp = intake(specialist, number="13800000008").complaint_id
    assert Complaint.get_by_id(comp).first_response_due == T(2026, 11, 20, 12, 0)


# -- the promised reply time ----------------------------------------------------------------------------------

def test_a_promise_passing_without_contact_is_overdue_and_reminded_before(specialist):
    comp = intake(specialist, number="13800000009", promise=T(2026, 11, 20, 11, 0)).complaint_id
    at(T(2026, 11, 20, 10, 40))
    soon = complaints.due_reminders(specialist)
    assert [r.id for r in soon.due_soon] == [comp] and soon.text()
    at(T(2026, 11, 20, 11, 5))
    assert [r.id for r in complaints.due_reminders(specialist).newly_overdue] == [comp]
    assert [r.id for r in complaints.search_page(specialist, ComplaintQuery(overdue=True))] == [comp]
    due = complaints.complaints_due(specialist)
    assert [r.id for r in due.overdue] == [comp] and due.overdue[0].overdue
    complaints.respond(specialist, comp, "已回电说明进展")            # late, but the contact stops the red
    assert complaints.search_page(specialist, ComplaintQuery(overdue=True)) == []
    c = Complaint.get_by_id(comp)
    assert (c.promises_made, c.promises_kept) == (1, 0)


# -- repeat callers -------------------------------------------------------------------------------------------

def test_two_complaints_in_30_days_make_the_next_a_repeat(supervisor, specialist):
    cid = new_customer(supervisor, mobile="13700137000", assign_to=specialist)
    at(NOW - dt.timedelta(days=45))
    intake(specialist, customer_id=cid)                     # outside the 30 days
    at(NOW - dt.timedelta(days=10))
    first = intake(specialist, customer_id=cid)
    assert not first.is_repeat
    info = complaints.repeat_caller(specialist, customer_id=cid)
    assert (info.complaints_30, info.complaints_total, info.is_repeat) == (1, 2, False)
    at(NOW - dt.timedelta(days=2))
    intake(specialist, customer_id=cid)
    at(NOW)
    info = complaints.repeat_caller(specialist, customer_id=cid)
    assert (info.complaints_30, info.complaints_total, info.open_complaints) == (2, 3, 3)
    assert info.is_repeat and info.suggest_escalation and info.last_result
    third = intake(specialist, customer_id=cid)
    assert third.is_repeat and third.suggest_escalation
    assert Complaint.get_by_id(third.complaint_id).is_repeat
    # the same history shows when the customer's number is typed
    assert complaints.repeat_caller(specialist, number="137-0013-7000").complaints_total == 4


def test_a_reopened_complaint_makes_the_next_a_repeat(supervisor, specialist):
    comp = intake(specialist, number="13600136000").complaint_id
    complaints.resolve(specialist, comp, "已解释", cause())
    complaints.reopen(specialist, comp, "客户再次来电")
    info = complaints.repeat_caller(specialist, number="13600136000")
    assert info.reopened == 1 and info.is_repeat and info.complaints_30 == 1


def test_a_bare_numbers_enquiries_count_as_calls(specialist):
    topic = EnquiryTopic.select().first().id
    for _i in range(3):
        enquiries.record(specialist, channel="hotline", topic_id=topic, summary="咨询提现", caller_number="010-8765 4321")
    intake(specialist, number="010-87654321")
    info = complaints.repeat_caller(specialist, number="01087654321")
    assert (info.calls_30, info.calls_total, info.complaints_total) == (4, 4, 1)
    assert Enquiry.select().count() == 3


# -- harassing callers ------------------------------------------------------------------------------------------

def test_harassing_numbers_are_marked_logged_and_listed(supervisor, specialist):
    assert not complaints.is_harassing("0755-88889999")
    call_id = complaints.log_harassing_call(specialist, "0755 8888 9999", "无聊来电")   # marks it too
    assert call_id and complaints.is_harassing("075588889999") and complaints.is_harassing("0755-88889999")
    at(NOW + dt.timedelta(hours=1))
    complaints.log_harassing_call(specialist, "0755-88889999", "再次骚扰", channel="im")
    info = complaints.harassing_info("0755-88889999")
    assert info.calls == 2 and info.last_at == NOW + dt.timedelta(hours=1) and info.warning()
    assert intake(specialist, number="0755-88889999").harassing
    with pytest.raises(ValidationError):
        complaints.mark_harassing(specialist, "withheld")
    with pytest.raises(PermissionDenied):
        complaints.harassing_list(specialist)
    complaints.mark_harassing(specialist, "13500135000", "深夜来电")
    rows = complaints.harassing_list(supervisor)
    assert [(r.number, r.calls_total) for r in rows] == [("0755-88889999", 2), ("13500135000", 0)]
    assert rows[0].last_at == NOW + dt.timedelta(hours=1)
    complaints.unmark_harassing(supervisor, rows[1].id)
    assert not complaints.is_harassing("13500135000")


# -- compensation -------------------------------------------------------------------------------------------------

def test_compensation_in_points_goes_into_the_ledger_linked_to_the_complaint(supervisor, specialist):
    cid = new_customer(supervisor, assign_to=specialist)
    comp = intake(specialist, customer_id=cid).complaint_id
    result = complaints.record_compensation(specialist, comp, "致歉并赠送积分", amount_fen=2000, points=200)
    assert result.points_status == "approved"
    entry = PointsEntry.get(PointsEntry.complaint == comp)
    assert (entry.customer_id, entry.points, entry.kind) == (cid, 200, "adjust")
    big = complaints.record_compensation(specialist, comp, "再补偿", points=800)
    assert big.points_status == "pending"
    assert PointsAdjustment.get_by_id(big.adjustment_id).complaint_id == comp
    c = Complaint.get_by_id(comp)
    assert (c.compensation_fen, c.compensation_points) == (2000, 1000)
    with pytest.raises(FormErrors):
        complaints.record_compensation(specialist, comp, "", amount_fen=-1)
    bare = intake(specialist, number="13800000010").complaint_id
    with pytest.raises(ValidationError):
        complaints.record_compensation(specialist, bare, "积分", points=10)


# -- the list -------------------------------------------------------------------------------------------------------

def test_the_list_filters_and_pages(supervisor, specialist):
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    ids = []
    for i in range(5):
        at(NOW - dt.timedelta(days=i))
        ids.append(intake(specialist if i % 2 == 0 else other, number=f"1380000010{i}",
                          severity="high" if i == 1 else "normal", cat="服务态度" if i == 2 else "产品").complaint_id)
    at(NOW)
    complaints.escalate(specialist, ids[0], "客户情绪激动")
    q = ComplaintQuery
    assert [r.id for r in complaints.search_page(supervisor, q())] == ids          # newest first
    assert [r.id for r in complaints.search_page(supervisor, q(severity="high"))] == [ids[1]]
    assert [r.id for r in complaints.search_page(supervisor, q(category_id=category()))] == [ids[2]]
    assert [r.id for r in complaints.search_page(supervisor, q(handler_id=other.id))] == [ids[1], ids[3]]
    assert [r.id for r in complaints.search_page(supervisor, q(escalated=True))] == [ids[0]]
    assert [r.id for r in complaints.search_page(supervisor, q(date_from=NOW.date() - dt.timedelta(days=1),
                                                                date_to=NOW.date()))] == ids[:2]
    assert [r.id for r in complaints.search_page(supervisor, q(status="received"))] == ids
    assert complaints.search_page(supervisor, q(status="closed")) == []
    assert complaints.search_page(supervisor, q(repeat=True)) == []
    assert [r.id for r in complaints.search_page(supervisor, q(), offset=2, limit=2)] == ids[2:4]
    assert complaints.count(supervisor, q(status="open")) == 5
    row = complaints.search_page(supervisor, q(number="138-0000-0100"))[0]
    assert row.id == ids[0] and row.escalated and row.caller == "138****0100"
    assert complaints.complaints_due(supervisor, complaints.TEAM).escalated[0].id == ids[0]


# -- the analysis report's figures ------------------------------------------------------------------------------

def test_analysis_figures_on_known_data(supervisor, specialist):
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    cid = new_customer(supervisor, mobile="13300133000", assign_to=specialist)
    # 1: attitude complaint about the customer's specialist, answered in 1 h, resolved in 4 h, escalated
    a = intake(specialist, customer_id=cid, cat="服务态度", promise=NOW + dt.timedelta(hours=2)).complaint_id
    at(NOW + dt.timedelta(hours=1))
    complaints.respond(specialist, a, "已道歉")
    complaints.escalate(specialist, a, "涉及员工态度")
    at(NOW + dt.timedelta(hours=4))
    complaints.resolve(specialist, a, "已批评教育", cause("员工行为"))
    # 2: the same customer again, attitude about 赵专员, first response after 3 h (promise of 2 h broken)
    at(NOW + dt.timedelta(hours=4, minutes=30))
    b = intake(other, customer_id=cid, cat="服务态度", about_user_id=other.id,
               promise=NOW + dt.timedelta(hours=5)).complaint_id
    at(NOW + dt.timedelta(hours=7, minutes=30))
    complaints.respond(other, b, "已回电")
    # 3: a bare number by web chat, never answered (critical: 1 working hour)
    c = complaints.create_complaint(specialist, ComplaintInput(
        channel="web_chat", category_id=category("产品"), severity="critical", description="收益计算错误",
        caller_number="4008001234")).complaint_id
    at(NOW + dt.timedelta(days=1))
    figures = complaints.analysis(supervisor, NOW.date(), NOW.date())
    assert figures.total == 3
    assert dict(figures.by_category) == {"服务态度": 2, "产品": 1}
    assert dict(figures.by_channel) == {"400热线": 2, "网页在线": 1} or sum(dict(figures.by_channel).values()) == 3
    assert dict(figures.by_severity)["紧急"] == 1
    assert (figures.first_response.count, figures.first_response.median_hours,
            figures.first_response.p90_hours) == (2, 2.0, 3.0)
    assert (figures.resolution.count, figures.resolution.median_hours) == (1, 4.0)
    assert (figures.promises_made, figures.promises_kept, figures.promises_broken) == (2, 1, 1)
    assert figures.escalations == 1 and figures.reopened == 0
    assert figures.repeat_complainants == 1 and figures.top_repeat_complainants == [("张三", 2)]
    assert dict(figures.attitude_by_specialist) == {"李专员": 1, "赵专员": 1}
    assert figures.first_response_breaches == 1          # the unanswered critical one (1 working hour)
    assert c and a and b
    with pytest.raises(PermissionDenied):
        complaints.analysis(specialist, NOW.date(), NOW.date())


def test_duration_statistics():
    stats = complaints.duration_stats([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert (stats.count, stats.median_hours, stats.p90_hours) == (10, 5.5, 9)
    assert complaints.duration_stats([]).median_hours is None


# -- reference lists ---------------------------------------------------------------------------------------------

def test_categories_and_root_causes_are_a_supervisors_lists(supervisor, specialist):
    with pytest.raises(PermissionDenied):
        complaints.save_category(specialist, None, "理财产品")
    new_id = complaints.save_category(supervisor, None, "理财产品", sort_order=9)
    with pytest.raises(ValidationError):
        complaints.save_category(supervisor, None, "理财产品")
    complaints.save_category(supervisor, new_id, "理财产品", active=False)
    assert "理财产品" not in [c.name for c in complaints.categories()]
    assert "理财产品" in [c.name for c in complaints.categories(include_inactive=True)]
    cause_id = complaints.save_root_cause(supervisor, None, "合作方原因")
    assert cause_id in [c.id for c in complaints.root_causes()]
    assert [t.severity for t in complaints.severity_targets()] == ["low", "normal", "high", "critical"]


def test_rows_written_before_promises_were_counted_take_the_first_response_as_the_contact(specialist):
    """Bulk-loaded or pre-migration rows: no stored deadlines or promise counters; the service reads them right."""
    common = dict(channel="hotline", category=category("产品"), severity="normal", description="旧数据",
                  handler=specialist.id, created_by=specialist.id, received_at=NOW - dt.timedelta(hours=6),
                  promised_reply_at=NOW - dt.timedelta(hours=2))
    answered = Complaint.create(status="in_progress", first_response_at=NOW - dt.timedelta(hours=3), **common)
    silent = Complaint.create(status="received", caller_number="13800000011", **common)
    overdue = [r.id for r in complaints.search_page(specialist, ComplaintQuery(overdue=True))]
    assert overdue == [silent.id]
    detail = complaints.get_complaint(specialist, answered.id)
    assert not detail.overdue and detail.first_response_due == complaints.deadlines(common["received_at"],
                                                                                     "normal")[0]
    figures = complaints.analysis(users.get_by_login("boss"), NOW.date(), NOW.date())
    assert (figures.promises_made, figures.promises_kept, figures.promises_broken) == (2, 1, 1)
