"""Assignment (manual, balanced, handover), merging duplicates, enquiries, the timeline and tiers."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_cs import clock
from desktop_cs.models import (Assignment, AuditEntry, Callback, Complaint, ComplaintCategory, Customer, Enquiry,
                               EnquiryTopic, PointsEntry)
from desktop_cs.services import assignment, customers, enquiries, merge, tiers, timeline, users
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.errors import FormErrors, PermissionDenied, ValidationError
from tests.conftest import TEST_PASSWORD

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


@pytest.fixture
def team(supervisor, specialist):
    more = [users.create_user(supervisor, f"spec{i}", f"专员{i}", "specialist", TEST_PASSWORD) for i in (2, 3)]
    return [specialist, *more]


def new(actor, name, **kw):
    return customers.create_customer(actor, CustomerInput(name=name, **kw))


def held(specialists):
    return [Customer.select().where(Customer.assigned_to == s.id).count() for s in specialists]


def test_manual_assignment_records_the_date_and_restarts_the_week(supervisor, team):
    cid = new(supervisor, "张三")
    assert assignment.assign(supervisor, [cid], team[0].id) == 1
    c = Customer.get_by_id(cid)
    assert c.assigned_to_id == team[0].id and c.assigned_at == NOW and c.first_contact_at is None
    assert Assignment.select().where(Assignment.customer == cid).get().assigned_at == NOW


def test_only_a_supervisor_assigns(supervisor, team):
    cid = new(supervisor, "张三")
    with pytest.raises(PermissionDenied):
        assignment.assign(team[0], [cid], team[1].id)
    assert Customer.get_by_id(cid).assigned_to_id is None


@pytest.mark.parametrize("batch", [1, 2, 7, 30])
def test_balanced_auto_assignment_keeps_loads_within_one(supervisor, team, batch):
    for i in range(batch):
        new(supervisor, f"客户{i}")
    result = assignment.auto_assign(supervisor)
    loads = held(team)
    assert sum(loads) == batch and max(loads) - min(loads) <= 1
    assert result.loads == {s.id: n for s, n in zip(team, loads)}


def test_auto_assignment_fills_the_lightest_first(supervisor, team):
    for i in range(4):
        assignment.assign(supervisor, [new(supervisor, f"老客户{i}")], team[0].id)
    for i in range(6):
        new(supervisor, f"新客户{i}")
    assignment.auto_assign(supervisor)
    assert held(team) == [4, 3, 3]


def test_handover_moves_customers_with_open_callbacks_and_complaints(supervisor, team):
    a, b = team[0], team[1]
    ids = [new(supervisor, f"客户{i}") for i in range(3)]
    assignment.assign(supervisor, ids, a.id)
    cat = ComplaintCategory.select().first()
    Callback.create(customer=ids[0], assigned_to=a, due_at=NOW, purpose="welcome")
    Callback.create(customer=ids[0], assigned_to=a, due_at=NOW, purpose="welcome", status="done")
    Complaint.create(customer=ids[1], channel="hotline", category=cat, description="慢", handler=a, created_by=a)
    result = assignment.handover(supervisor, a.id, b.id)
    assert (result.customers, result.callbacks, result.complaints) == (3, 1, 1)
    assert held([a, b]) == [0, 3]
    assert Callback.select().where((Callback.assigned_to == a.id) & (Callback.status == "done")).count() == 1


def test_merge_moves_every_attached_record_and_points(supervisor, team):
    keep = new(supervisor, "张三", mobile="13812345678")
    absorb = new(supervisor, "张叁", mobile="13900001111", email="z3@example.com", tags=["老客户"])
    cat = ComplaintCategory.select().first()
    topic = EnquiryTopic.select().first()
    for _ in range(2):
        Callback.create(customer=absorb, assigned_to=team[0], due_at=NOW, purpose="welcome")
    Complaint.create(customer=absorb, channel="hotline", category=cat, description="慢", handler=team[0],
                     created_by=team[0])
    enquiries.record(supervisor, channel="hotline", topic_id=topic.id, summary="问提现", customer_id=absorb)
    for cid in (keep, absorb):
        PointsEntry.create(customer=cid, kind="earn", points=20, once_key="realname", event="realname")
    PointsEntry.create(customer=absorb, kind="earn", points=100, event="recharge")
    before = {m: m.select().where(m.customer == absorb).count() for m in (Callback, Complaint, Enquiry)}

    result = merge.merge(supervisor, keep, absorb, {"email"})

    for m, n in before.items():
        assert m.select().where(m.customer == absorb).count() == 0
        assert m.select().where(m.customer == keep).count() == n
    assert (result.callbacks, result.complaints, result.enquiries) == (2, 1, 1)
    assert result.awards_reversed == 1 and result.points_moved == 100
    balance = {cid: sum(e.points for e in PointsEntry.select().where(PointsEntry.customer == cid))
               for cid in (keep, absorb)}
    assert balance == {keep: 120, absorb: 0}
    kept = Customer.get_by_id(keep)
    assert kept.email == "z3@example.com" and kept.mobile == "13812345678"
    assert Customer.get_by_id(absorb).merged_into_id == keep
    assert absorb not in {r.id for r in customers.search_page(supervisor, customers.CustomerQuery())}
    assert customers.search_page(supervisor, customers.CustomerQuery(text="老客户"))[0].id == keep
    assert AuditEntry.select().where(AuditEntry.action == "callback_moved").count() == 2


def test_merge_can_take_the_absorbed_mobile(supervisor):
    keep = new(supervisor, "张三", mobile="13812345678")
    absorb = new(supervisor, "张三", mobile="13900001111")
    merge.merge(supervisor, keep, absorb, {"mobile"})
    assert Customer.get_by_id(keep).mobile == "13900001111"


def test_merge_refuses_the_same_customer_twice(supervisor):
    a, b = new(supervisor, "甲"), new(supervisor, "乙")
    merge.merge(supervisor, a, b)
    with pytest.raises(ValidationError):
        merge.merge(supervisor, a, b)


def test_enquiry_from_a_bare_number_and_its_errors(supervisor, specialist):
    topic = EnquiryTopic.select().first()
    with pytest.raises(FormErrors) as err:
        enquiries.record(specialist, channel="fax", topic_id=topic.id, summary="")
    assert {"channel", "summary", "caller_number"} <= set(err.value.errors)
    eid = enquiries.record(specialist, channel="hotline", topic_id=topic.id, summary="问注册",
                           caller_number="010-6512 3456")
    assert Enquiry.get_by_id(eid).caller_number == "01065123456"


def test_an_enquiry_by_the_assigned_specialist_is_the_first_contact(supervisor, specialist):
    cid = new(supervisor, "张三")
    assignment.assign(supervisor, [cid], specialist.id)
    topic = EnquiryTopic.select().first()
    enquiries.record(supervisor, channel="hotline", topic_id=topic.id, summary="主管接听", customer_id=cid)
    assert Customer.get_by_id(cid).first_contact_at is None          # not the assigned specialist
    clock.freeze(NOW + dt.timedelta(hours=2))
    enquiries.record(specialist, channel="im", topic_id=topic.id, summary="专员回复", customer_id=cid)
    c = Customer.get_by_id(cid)
    assert c.first_contact_at == NOW + dt.timedelta(hours=2) and c.last_contact_at == c.first_contact_at


def test_timeline_shows_every_area_newest_first(supervisor, specialist):
    cid = new(supervisor, "张三", memo="一")
    customers.update_customer(supervisor, cid, CustomerInput(name="张三", memo="二"))
    assignment.assign(supervisor, [cid], specialist.id)
    topic = EnquiryTopic.select().first()
    enquiries.record(specialist, channel="hotline", topic_id=topic.id, summary="问积分", customer_id=cid)
    Callback.create(customer=cid, assigned_to=specialist, due_at=NOW + dt.timedelta(days=1), purpose="welcome")
    Complaint.create(customer=cid, channel="hotline", category=ComplaintCategory.select().first(),
                     description="到账慢", handler=specialist, created_by=specialist)
    PointsEntry.create(customer=cid, kind="earn", points=10, event="registration", reason="注册")
    entries = timeline.timeline(specialist, cid)
    kinds = {e.kind for e in entries}
    assert kinds == {"audit", "assignment", "enquiry", "callback", "complaint", "points"}
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    edit = [e for e in entries if e.kind == "audit" and "一" in e.detail][0]
    assert "二" in edit.detail


def test_timeline_follows_a_merge(supervisor):
    keep, absorb = new(supervisor, "张三"), new(supervisor, "张叁")
    topic = EnquiryTopic.select().first()
    merge.merge(supervisor, keep, absorb)
    entries = timeline.timeline(supervisor, keep)
    assert any(e.customer_id == absorb for e in entries)   # the absorbed customer's creation
    assert topic is not None


def test_tiers_are_a_supervisors_list(supervisor, specialist):
    with pytest.raises(PermissionDenied):
        tiers.save_tier(specialist, None, "钻石", 0, 15, True)
    tid = tiers.save_tier(supervisor, None, "钻石", 0, 15, True)
    assert [t.name for t in tiers.list_tiers()][0] == "钻石"
    with pytest.raises(FormErrors):
        tiers.save_tier(supervisor, None, "钻石", 0, 15, True)
    cid = new(supervisor, "张三", tier_id=tid)
    with pytest.raises(ValidationError):
        tiers.save_tier(supervisor, tid, "钻石", 0, 15, True, active=False)
    assert Customer.get_by_id(cid).tier_id == tid
