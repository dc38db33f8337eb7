"""Points service: once-only awards, references, redemption (FEFO, over balance, two processes), ledger guards,
reversal, expiry, adjustments, archive hooks, referral, merge, views, summary and "Check points"."""
from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from desktop_cs import clock
from desktop_cs.models import (AuditEntry, Customer, PointsAdjustment, PointsAllocation, PointsEntry, PointsRule,
                               database)
from desktop_cs.services import customers, merge, points, team_settings
from desktop_cs.services.customers import CustomerInput
from desktop_cs.services.errors import Conflict, FormErrors, PermissionDenied, ValidationError
from tests.db_tools import drop_guards, run_two_at_once

NOW = dt.datetime(2026, 11, 20, 10, 0, 0)


@pytest.fixture(autouse=True)
def fixed_clock():
    clock.freeze(NOW)


def at(when: dt.datetime) -> None:
    clock.freeze(when)


def new(actor, name="张三", **kw) -> int:
    return customers.create_customer(actor, CustomerInput(name=name, **kw))


def mine(supervisor, specialist, *cids: int) -> None:
    """Assign the customers to the specialist: a specialist changes the points of their own customers only."""
    from desktop_cs.services import assignment
    assignment.assign(supervisor, list(cids), specialist.id)


def balance(cid: int) -> int:
    return PointsEntry.select(pw.fn.COALESCE(pw.fn.SUM(PointsEntry.points), 0)).where(
        PointsEntry.customer == cid).scalar()


def set_rule(actor, event, **kw) -> None:
    row = next(r for r in points.list_rules(actor) if r.event == event)
    data = points.RuleInput(event=event, mode=row.mode, points=row.points, per_amount_fen=row.per_amount_fen,
                            validity_days=row.validity_days, condition=row.condition, active=row.active)
    for key, value in kw.items():
        setattr(data, key, value)
    points.save_rule(actor, data)


def recharge(actor, cid, yuan, ref, validity_days=None):
    if validity_days is not None:
        set_rule(actor, "recharge", validity_days=validity_days)
    return points.record_event(actor, cid, "recharge", amount_fen=yuan * 100, reference=ref)


def assert_consistent(actor) -> None:
    report = points.reconcile(actor)
    assert report.ok, [p.message for p in report.problems]


# --- earning -------------------------------------------------------------------------------------

def test_once_only_event_twice_awards_once(supervisor, specialist):
    cid = new(supervisor)
    mine(supervisor, specialist, cid)
    first = points.record_event(specialist, cid, "realname")
    again = points.record_event(specialist, cid, "realname")
    assert first.status == points.AWARDED and first.points == 20
    assert again.status == points.ALREADY_AWARDED and again.entry_id == first.entry_id
    assert "20" not in again.message or "已" in again.message or "already" in again.message
    assert PointsEntry.select().where(PointsEntry.customer == cid).count() == 1
    assert balance(cid) == 20
    # the database refuses a second once-only row too, whatever door it comes through
    with pytest.raises(pw.IntegrityError):
        with database.atomic():
            PointsEntry.create(customer=cid, kind="earn", points=20, once_key="realname")


def test_per_amount_rounds_down_and_a_duplicate_reference_is_refused(supervisor, specialist):
    cid = new(supervisor)
    mine(supervisor, specialist, cid)
    result = points.record_event(specialist, cid, "investment", amount_fen=123_456, reference="IV-0001")
    assert result.points == 12                   # 1 point per 100 yuan, 1234.56 yuan rounded down
    entry = PointsEntry.get_by_id(result.entry_id)
    assert entry.expires_at == NOW + dt.timedelta(days=365) and entry.rule.event == "investment"
    with pytest.raises(ValidationError) as err:
        points.record_event(specialist, cid, "investment", amount_fen=500_000, reference="IV-0001")
    assert err.value.field == "reference" and "IV-0001" in err.value.message
    other = new(supervisor, "李四")
    mine(supervisor, specialist, other)
    with pytest.raises(ValidationError):      # not for another customer either
        points.record_event(specialist, other, "investment", amount_fen=500_000, reference=" IV-0001 ")
    assert balance(cid) == 12 and balance(other) == 0
    small = points.record_event(specialist, cid, "recharge", amount_fen=9_999, reference="RC-1")
    assert small.status == points.NO_POINTS and balance(cid) == 12


def test_amount_and_reference_are_required_for_recharge(supervisor):
    cid = new(supervisor)
    with pytest.raises(ValidationError) as err:
        points.record_event(supervisor, cid, "recharge", amount_fen=10_000)
    assert err.value.field == "reference"
    with pytest.raises(ValidationError) as err:
        points.record_event(supervisor, cid, "recharge", reference="RC-9")
    assert err.value.field == "amount"
    with pytest.raises(ValidationError):
        points.record_event(supervisor, cid, "recharge", amount_fen=10.5, reference="RC-9")


def test_a_switched_off_rule_awards_nothing(supervisor):
    set_rule(supervisor, "email_verified", active=False)
    cid = new(supervisor)
    assert points.record_event(supervisor, cid, "email_verified").status == points.INACTIVE
    assert balance(cid) == 0


def test_rules_are_edited_by_a_supervisor_and_audited(supervisor, specialist):
    with pytest.raises(PermissionDenied):
        points.save_rule(specialist, points.RuleInput(event="registration", points=99))
    set_rule(supervisor, "registration", points=15, validity_days=30)
    entry = AuditEntry.select().where(AuditEntry.action == "points_rule_changed").get()
    assert '"points":[10,15]' in entry.details and '"validity_days":[0,30]' in entry.details
    with pytest.raises(FormErrors) as err:
        points.save_rule(supervisor, points.RuleInput(event="registration", mode="per_amount", points=-1))
    assert {"mode", "points"} <= set(err.value.errors)
    with pytest.raises(FormErrors):
        points.save_rule(supervisor, points.RuleInput(event="recharge", mode="per_amount", points=1, per_amount_fen=0))
    assert not points.save_rule(supervisor, points.RuleInput(event="registration", points=15, validity_days=30))
    cid = new(supervisor, registered=True)
    assert balance(cid) == 15
    assert PointsEntry.get(PointsEntry.customer == cid).expires_at == NOW + dt.timedelta(days=30)


# --- the archive is the event ----------------------------------------------------------------------

def test_verification_in_the_archive_awards_once(supervisor):
    cid = new(supervisor, "王五", mobile="13812345678", registered=True, mobile_verified=True)
    assert {e.event for e in PointsEntry.select().where(PointsEntry.customer == cid)} == {
        "registration", "mobile_verified"}
    assert balance(cid) == 15
    detail = customers.get_customer(supervisor, cid)
    data = CustomerInput(name="王五", mobile=None, id_number="11010519491231002X", registered=True,
                         mobile_verified=True, realname_verified=True)
    version = customers.update_customer(supervisor, cid, data, detail.version)
    assert balance(cid) == 35
    # unticked and ticked again: a new verification timestamp, but no second award
    data.realname_verified = False
    version = customers.update_customer(supervisor, cid, data, version)
    data.realname_verified = True
    customers.update_customer(supervisor, cid, data, version)
    assert balance(cid) == 35
    assert PointsEntry.select().where((PointsEntry.customer == cid) & (PointsEntry.event == "realname")).count() == 1
    # clicking "record event" as well changes nothing
    assert points.record_event(supervisor, cid, "realname").status == points.ALREADY_AWARDED


def test_referral_pays_the_referrer_after_real_name_verification(supervisor, specialist):
    referrer = new(supervisor, "推荐人")
    mine(supervisor, specialist, referrer)
    referred = new(supervisor, "新客户", source="referral", referred_by_id=referrer, registered=True)
    assert balance(referrer) == 0                      # registered, not yet real-name verified
    rows = points.referred_customers(specialist, referrer)
    assert [(r.id, r.condition_met, r.paid) for r in rows] == [(referred, False, False)]
    waiting = points.record_event(specialist, referrer, "referral", referred_id=referred)
    assert waiting.status == points.WAITING and balance(referrer) == 0
    data = CustomerInput(name="新客户", source="referral", referred_by_id=referrer, registered=True,
                         realname_verified=True, id_number="11010519491231002X")
    customers.update_customer(supervisor, referred, data)
    assert balance(referrer) == 50 and balance(referred) == 30          # registration 10 + real-name 20
    paid = PointsEntry.get((PointsEntry.customer == referrer) & (PointsEntry.event == "referral"))
    assert paid.once_key == f"referral:{referred}" and "新客户" in paid.reason
    again = points.record_event(specialist, referrer, "referral", referred_id=referred)
    assert again.status == points.ALREADY_AWARDED and balance(referrer) == 50
    stranger = new(supervisor, "路人")
    mine(supervisor, specialist, stranger)
    with pytest.raises(ValidationError) as err:
        points.record_event(specialist, stranger, "referral", referred_id=referred)
    assert err.value.field == "referred_id"


def test_the_referral_condition_is_the_supervisors_choice(supervisor):
    set_rule(supervisor, "referral", condition="referred_registered")
    referrer = new(supervisor, "推荐人")
    new(supervisor, "新客户", source="referral", referred_by_id=referrer, registered=True)
    assert balance(referrer) == 50


# --- redemption ----------------------------------------------------------------------------------

def test_redeeming_more_than_the_balance_is_refused_with_the_balance_shown(supervisor, specialist):
    cid = new(supervisor, registered=True)             # 10 points
    mine(supervisor, specialist, cid)
    with pytest.raises(ValidationError) as err:
        points.redeem(specialist, cid, 11, "INV-1")
    assert err.value.field == "points" and "10" in err.value.message
    assert PointsEntry.select().where(PointsEntry.kind == "redeem").count() == 0
    done = points.redeem(specialist, cid, 10, "INV-1")
    assert done.balance == 0 and balance(cid) == 0
    assert "INV-1" in PointsEntry.get_by_id(done.entry_id).reason
    with pytest.raises(ValidationError):
        points.redeem(specialist, cid, 0, "INV-2")
    with pytest.raises(ValidationError) as err:
        points.redeem(specialist, cid, 5, "")
    assert err.value.field == "investment_reference"


def test_redemption_draws_on_the_lots_closest_to_expiry_first(supervisor, specialist):
    cid = new(supervisor)
    mine(supervisor, specialist, cid)
    never = points.request_adjustment(supervisor, cid, 100, "活动补发").entry_id           # never expires
    late = recharge(supervisor, cid, 5_000, "RC-late", validity_days=365).entry_id     # 50, in a year
    soon = recharge(supervisor, cid, 3_000, "RC-soon", validity_days=30).entry_id      # 30, in 30 days
    middle = recharge(supervisor, cid, 2_000, "RC-mid", validity_days=90).entry_id     # 20, in 90 days
    first = points.redeem(specialist, cid, 40, "INV-1")
    assert [(a.lot_id, a.points) for a in first.allocations] == [(soon, 30), (middle, 10)]
    second = points.redeem(specialist, cid, 100, "INV-2")
    assert [(a.lot_id, a.points) for a in second.allocations] == [(middle, 10), (late, 50), (never, 40)]
    stored = {(a.entry_id, a.lot_id, a.points) for a in PointsAllocation.select()}
    assert (first.entry_id, soon, 30) in stored and (second.entry_id, never, 40) in stored
    assert balance(cid) == 60 and second.balance == 60
    assert_consistent(supervisor)


def test_expired_lots_are_never_spent(supervisor):
    cid = new(supervisor)
    recharge(supervisor, cid, 3_000, "RC-1", validity_days=10)
    at(NOW + dt.timedelta(days=11))
    with pytest.raises(ValidationError) as err:
        points.redeem(supervisor, cid, 30, "INV-1")
    assert "0" in err.value.message


def test_two_processes_redeeming_80_of_100_leave_one_redemption_and_20(supervisor, data_dir):
    cid = new(supervisor)
    points.request_adjustment(supervisor, cid, 100, "开户礼")
    assert balance(cid) == 100
    database.close()          # the children open the same file themselves
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from desktop_cs import paths\n"
        "from desktop_cs.services.database import open_app_database\n"
        "folder, cid, uid, tag = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]\n"
        "paths.set_data_dir(folder)\n"
        "open_app_database()\n"
        "from desktop_cs.models import User\n"
        "from desktop_cs.services import points\n"
        "from desktop_cs.services.errors import ValidationError\n"
        "user = User.get_by_id(uid)\n"
        "(folder / ('ready-' + tag)).touch()\n"
        "deadline = time.time() + 60\n"
        "while not (folder / 'go').exists():\n"
        "    if time.time() > deadline: sys.exit(3)\n"
        "    time.sleep(0.0005)\n"
        "try:\n"
        "    points.redeem(user, cid, 80, 'INV-' + tag)\n"
        "    print('ok')\n"
        "except ValidationError as e:\n"
        "    print('refused')\n")
    assert run_two_at_once(script, data_dir, [str(cid), str(supervisor.id)]) == ["ok", "refused"]
    database.connect(reuse_if_open=True)
    assert PointsEntry.select().where(PointsEntry.kind == "redeem").count() == 1
    assert balance(cid) == 20
    assert_consistent(supervisor)


# --- the ledger cannot be edited -----------------------------------------------------------------

@pytest.mark.parametrize("sql", ["UPDATE points_entry SET points = 1000",
                                 "UPDATE points_entry SET reason = 'x'",
                                 "DELETE FROM points_entry",
                                 "UPDATE points_allocation SET points = 1",
                                 "DELETE FROM points_allocation"])
def test_raw_sql_update_or_delete_on_the_ledger_fails(supervisor, db, sql):
    cid = new(supervisor, registered=True)
    points.redeem(supervisor, cid, 5, "INV-1")
    with pytest.raises(pw.IntegrityError, match="append-only"):
        with database.atomic():
            db.execute_sql(sql)
    assert balance(cid) == 5 and PointsAllocation.select().count() == 1


# --- reversal ------------------------------------------------------------------------------------

def test_double_reversal_fails(supervisor):
    cid = new(supervisor)
    earned = recharge(supervisor, cid, 10_000, "RC-1").entry_id
    rid = points.reverse(supervisor, earned, "录错了")
    reversal = PointsEntry.get_by_id(rid)
    assert (reversal.kind, reversal.points, reversal.reverses_id) == ("reverse", -100, earned)
    assert balance(cid) == 0
    with pytest.raises(ValidationError, match=str(rid)):
        points.reverse(supervisor, earned, "再来一次")
    with pytest.raises(ValidationError):
        points.reverse(supervisor, rid, "冲正的冲正")
    with pytest.raises(pw.IntegrityError):          # the database refuses it too
        with database.atomic():
            PointsEntry.create(customer=cid, kind="reverse", points=100, reverses=earned)
    assert_consistent(supervisor)


def test_a_partly_spent_lot_is_not_reversed_but_its_redemption_is(supervisor):
    cid = new(supervisor)
    earned = recharge(supervisor, cid, 10_000, "RC-1", validity_days=60).entry_id
    spent = points.redeem(supervisor, cid, 30, "INV-1").entry_id
    with pytest.raises(ValidationError, match="30"):
        points.reverse(supervisor, earned, "录错了")
    with pytest.raises(ValidationError):
        points.reverse(supervisor, earned, "  ")
    back = PointsEntry.get_by_id(points.reverse(supervisor, spent, "投资撤销"))
    assert back.points == 30 and back.expires_at == NOW + dt.timedelta(days=60)
    assert balance(cid) == 100
    assert_consistent(supervisor)


def test_a_specialist_reverses_small_entries_only(supervisor, specialist):
    cid = new(supervisor)
    mine(supervisor, specialist, cid)
    big = recharge(supervisor, cid, 100_000, "RC-1").entry_id           # 1000 points
    small = recharge(supervisor, cid, 1_000, "RC-2").entry_id           # 10 points
    with pytest.raises(PermissionDenied):
        points.reverse(specialist, big, "录错了")
    points.reverse(specialist, small, "录错了")
    assert balance(cid) == 1000


# --- adjustments ---------------------------------------------------------------------------------

def test_adjustment_over_the_threshold_waits_for_a_supervisor(supervisor, specialist):
    cid = new(supervisor)
    mine(supervisor, specialist, cid)
    with pytest.raises(FormErrors) as err:
        points.request_adjustment(specialist, cid, 100, " ")
    assert "reason" in err.value.errors
    small = points.request_adjustment(specialist, cid, 500, "活动补发")
    assert small.status == "approved" and balance(cid) == 500
    big = points.request_adjustment(specialist, cid, 501, "大额补偿")
    assert big.status == "pending" and big.entry_id is None and balance(cid) == 500
    view = points.customer_view(specialist, cid)
    assert [(p.id, p.points, p.status) for p in view.pending] == [(big.adjustment_id, 501, "pending")]
    assert not view.can_approve
    with pytest.raises(PermissionDenied):
        points.approve_adjustment(specialist, big.adjustment_id)
    assert balance(cid) == 500
    approved = points.approve_adjustment(supervisor, big.adjustment_id)
    assert approved.status == "approved" and balance(cid) == 1001
    adj = PointsAdjustment.get_by_id(big.adjustment_id)
    assert adj.decided_by_id == supervisor.id and adj.entry_id == approved.entry_id
    with pytest.raises(Conflict):
        points.approve_adjustment(supervisor, big.adjustment_id)
    assert points.customer_view(specialist, cid).pending == []
    assert_consistent(supervisor)


def test_threshold_setting_rejection_and_deduction(supervisor, specialist):
    points.set_adjustment_threshold(supervisor, 50)
    assert team_settings.get(points.ADJUSTMENT_THRESHOLD) == 50
    with pytest.raises(PermissionDenied):
        points.set_adjustment_threshold(specialist, 5000)
    cid = new(supervisor)
    mine(supervisor, specialist, cid)
    points.request_adjustment(supervisor, cid, 40, "补发")
    pending = points.request_adjustment(specialist, cid, 60, "再补发")
    assert pending.status == "pending"
    assert points.reject_adjustment(supervisor, pending.adjustment_id, "不同意").status == "rejected"
    assert balance(cid) == 40
    with pytest.raises(ValidationError, match="40"):
        points.request_adjustment(specialist, cid, -41, "扣回")
    points.request_adjustment(specialist, cid, -15, "扣回")
    assert balance(cid) == 25
    assert_consistent(supervisor)


# --- expiry --------------------------------------------------------------------------------------

def test_expiry_writes_entries_once(supervisor, specialist):
    cid = new(supervisor)
    lot = recharge(supervisor, cid, 5_000, "RC-1", validity_days=30).entry_id       # 50 points
    points.redeem(supervisor, cid, 20, "INV-1")
    recharge(supervisor, cid, 1_000, "RC-2", validity_days=0)                        # 10, never expires
    assert points.run_expiry(None).entries == 0
    at(NOW + dt.timedelta(days=30))
    result = points.run_expiry(specialist)
    assert (result.entries, result.points, result.customers) == (1, 30, 1)
    expired = PointsEntry.get(PointsEntry.kind == "expire")
    assert expired.points == -30 and expired.created_by_id == specialist.id
    assert [(a.lot_id, a.points) for a in expired.allocations] == [(lot, 30)]
    assert points.run_expiry(None).entries == 0           # idempotent
    assert PointsEntry.select().where(PointsEntry.kind == "expire").count() == 1
    assert balance(cid) == 10
    assert_consistent(supervisor)


def test_customers_with_points_expiring_in_30_days(supervisor, specialist):
    soon = new(supervisor, "甲")
    later = new(supervisor, "乙")
    recharge(supervisor, soon, 3_000, "RC-1", validity_days=20)
    recharge(supervisor, later, 3_000, "RC-2", validity_days=40)
    rows = points.expiring_soon(specialist)
    assert [(r.customer_id, r.points, r.first_expiry) for r in rows] == [(soon, 30, NOW + dt.timedelta(days=20))]
    assert [r.customer_id for r in points.expiring_soon(specialist, days=60)] == [soon, later]
    view = points.customer_view(specialist, soon)
    assert view.expiring_total == 30 and view.expiring[0].expires_at == NOW + dt.timedelta(days=20)


# --- merge ---------------------------------------------------------------------------------------

def test_merge_moves_lots_keeping_their_expiry(supervisor):
    keep, absorb = new(supervisor, "张三", registered=True), new(supervisor, "张叁", registered=True)
    recharge(supervisor, absorb, 3_000, "RC-1", validity_days=30)
    recharge(supervisor, absorb, 2_000, "RC-2", validity_days=30)
    recharge(supervisor, absorb, 5_000, "RC-3", validity_days=90)
    points.redeem(supervisor, absorb, 10, "INV-1")
    result = merge.merge(supervisor, keep, absorb)
    assert result.awards_reversed == 1                    # registration awarded to both, kept once
    assert result.points_moved == 90 and balance(absorb) == 0 and balance(keep) == 100
    moved_in = sorted((e.points, e.expires_at) for e in PointsEntry.select().where(PointsEntry.kind == "merge_in"))
    assert moved_in == [(40, NOW + dt.timedelta(days=30)), (50, NOW + dt.timedelta(days=90))]
    out = PointsEntry.get(PointsEntry.kind == "merge_out")
    assert sum(a.points for a in out.allocations) == 90
    assert_consistent(supervisor)


# --- views and reports ---------------------------------------------------------------------------

def test_customer_view_has_the_running_balance(supervisor, specialist):
    cid = new(supervisor, registered=True)
    mine(supervisor, specialist, cid)
    at(NOW + dt.timedelta(minutes=1))
    recharge(supervisor, cid, 10_000, "RC-1")
    at(NOW + dt.timedelta(minutes=2))
    points.redeem(specialist, cid, 30, "INV-1")
    view = points.customer_view(specialist, cid)
    assert view.balance == 80 and view.available == 80
    assert [(r.kind, r.points, r.balance) for r in view.ledger] == [("redeem", -30, 80), ("earn", 100, 110),
                                                                     ("earn", 10, 10)]
    assert view.ledger[1].remaining == 70 and view.ledger[1].reference == "RC-1"
    assert view.ledger[0].by == "李专员"


def test_team_summary(supervisor, specialist):
    a, b = new(supervisor, "甲"), new(supervisor, "乙")
    at(dt.datetime(2025, 12, 30, 9, 0))
    recharge(supervisor, a, 5_000, "RC-0")                       # last year: opening balance
    at(dt.datetime(2026, 3, 1, 9, 0))
    points.record_event(supervisor, a, "registration")
    recharge(supervisor, a, 10_000, "RC-1", validity_days=30)
    points.record_event(supervisor, b, "investment", amount_fen=20_000, reference="IV-1")
    points.redeem(supervisor, a, 40, "INV-1")
    points.request_adjustment(supervisor, b, 7, "补偿")
    points.request_adjustment(supervisor, b, -3, "扣回")
    at(dt.datetime(2026, 5, 1, 9, 0))
    points.run_expiry(supervisor)
    s = points.team_summary(supervisor, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert {line.event: line.points for line in s.issued} == {"registration": 10, "recharge": 100, "investment": 2}
    assert s.issued_total == 112 and s.redeemed == 40 and s.redemptions == 1
    assert (s.adjusted_in, s.adjusted_out) == (7, 3)
    assert s.expired == 60                       # the recharge lot's 60 left after 40 were used first
    assert s.opening_points == 50
    assert s.closing_points == 50 + 112 - 40 + 7 - 3 - 60 == sum(balance(c) for c in (a, b))
    assert s.closing_liability_fen == s.closing_points * 100
    with pytest.raises(PermissionDenied):
        points.team_summary(specialist, dt.date(2026, 1, 1), dt.date(2026, 12, 31))


# --- "Check points" ------------------------------------------------------------------------------

def test_check_points_finds_a_planted_inconsistency(supervisor, db):
    cid = new(supervisor, registered=True, realname_verified=True, id_number="11010519491231002X")
    points.redeem(supervisor, cid, 15, "INV-1")
    assert_consistent(supervisor)
    lot = PointsEntry.get((PointsEntry.customer == cid) & (PointsEntry.event == "registration"))
    # a redemption written around the service: no allocations to the lots it spent
    stray = PointsEntry.create(customer=cid, kind="redeem", points=-5, reason="手工写入")
    # and a lot drawn beyond its points, after dropping the guard trigger
    drop_guards(db, "points_allocation")
    PointsAllocation.create(entry=stray.id, lot=lot.id, points=50)
    report = points.reconcile(supervisor)
    codes = {p.code for p in report.problems}
    assert {"undrawn_entry", "lot_overdrawn", "balance_mismatch"} <= codes
    assert any(p.entry_id == stray.id for p in report.problems)
    assert all(p.message for p in report.problems)


def test_check_points_finds_a_broken_reversal_link_and_a_negative_balance(supervisor, db):
    cid = new(supervisor, registered=True)
    other = new(supervisor, "李四", registered=True)
    earned = PointsEntry.get(PointsEntry.customer == other)
    drop_guards(db, "points_entry")
    PointsEntry.create(customer=cid, kind="reverse", points=-20, reverses=earned.id, reason="x")
    codes = {p.code for p in points.reconcile(supervisor).problems}
    assert {"bad_reversal", "negative_balance"} <= codes


def test_check_points_is_for_supervisors(specialist):
    with pytest.raises(PermissionDenied):
        points.reconcile(specialist)


def test_default_rules_are_seeded_and_listed(supervisor, specialist):
    assert {r.event for r in PointsRule.select()} == set(points.EVENTS)
    rows = {r.event: r for r in points.list_rules(specialist)}
    assert rows["referral"].condition == "referred_realname" and rows["realname"].once_only
    assert points.describe_rule(rows["recharge"]) and rows["recharge"].per_amount_fen == 10_000
    assert Customer.select().count() == 0


def test_a_specialist_changes_the_points_of_own_customers_only(supervisor, specialist):
    theirs = new(supervisor, "别人的客户", registered=True)
    entry = PointsEntry.get(PointsEntry.customer == theirs).id
    calls = [lambda: points.record_event(specialist, theirs, "realname"),
             lambda: points.redeem(specialist, theirs, 5, "INV-X"),
             lambda: points.request_adjustment(specialist, theirs, 5, "补发"),
             lambda: points.reverse(specialist, entry, "录错了")]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    assert balance(theirs) == 10
    assert AuditEntry.select().where(AuditEntry.action == "permission_denied").count() == len(calls)
    mine(supervisor, specialist, theirs)
    assert points.redeem(specialist, theirs, 5, "INV-X").balance == 5
