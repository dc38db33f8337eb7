"""The callback rules with a fixed clock: due times, idempotent rules, balanced campaigns, recording, three musts."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_cs import clock
from desktop_cs.models import (AuditEntry, Callback, CallbackAttempt, Complaint, ComplaintCategory, Customer, Tier)
from desktop_cs.services import assignment, callbacks, calendar, customers, timeline, users
from desktop_cs.services.customers import CustomerInput, CustomerQuery
from desktop_cs.services.errors import FormErrors, PermissionDenied, ValidationError
from tests.conftest import TEST_PASSWORD

T = dt.datetime
D = dt.date
NOW = T(2026, 11, 20, 10, 0)          # a Friday


@pytest.fixture(autouse=True)
def fixed_clock(db):
    clock.freeze(NOW)


@pytest.fixture
def team(supervisor, specialist):
    more = [users.create_user(supervisor, f"spec{i}", f"专员{i}", "specialist", TEST_PASSWORD) for i in (2, 3)]
    return [specialist, *more]


def new(actor, name, **kw) -> int:
    return customers.create_customer(actor, CustomerInput(name=name, **kw))


def allowed(moment: dt.datetime) -> bool:
    return calendar.snapshot().is_allowed(moment)


def open_callback(customer_id, specialist, due=NOW + dt.timedelta(hours=1), purpose="periodic_care", **kw):
    return Callback.create(customer=customer_id, assigned_to=specialist, due_at=due, purpose=purpose, **kw)


# -- rules ------------------------------------------------------------------------------------------

def test_assignment_creates_the_first_contact_callback_once(supervisor, specialist):
    cid = new(supervisor, "张三")
    assignment.assign(supervisor, [cid], specialist.id)
    made = list(Callback.select().where(Callback.customer == cid))
    assert len(made) == 1
    cb = made[0]
    assert (cb.purpose, cb.assigned_to_id, cb.triggered_at, cb.status) == ("welcome", specialist.id, NOW, "open")
    # due on the last working day of the week, outside quiet hours, never after the deadline
    assert cb.due_at == T(2026, 11, 27, 9, 0) and allowed(cb.due_at)
    assert cb.due_at <= NOW + dt.timedelta(days=7)
    # running the rule again for the same assignment writes nothing
    assert callbacks.create_first_contact(supervisor, [cid], specialist.id, NOW) == 0
    assert Callback.select().where(Callback.customer == cid).count() == 1


def test_reassignment_replaces_the_first_contact_and_moves_open_callbacks(supervisor, team):
    a, b = team[0], team[1]
    cid = new(supervisor, "张三")
    assignment.assign(supervisor, [cid], a.id)
    care = open_callback(cid, a)
    clock.freeze(NOW + dt.timedelta(hours=1))
    assignment.assign(supervisor, [cid], b.id)
    rows = {(c.purpose, c.assigned_to_id, c.status) for c in Callback.select().where(Callback.customer == cid)}
    assert rows == {("welcome", a.id, "cancelled"), ("welcome", b.id, "open"), ("periodic_care", b.id, "open")}
    assert AuditEntry.select().where((AuditEntry.action == "callback_reassigned")
                                     & (AuditEntry.entity_id == care.id)).exists()


def test_first_contact_respects_do_not_call_and_the_preferred_slot(supervisor, specialist):
    quiet = new(supervisor, "免打扰", do_not_call=True)
    slot = new(supervisor, "下午客户", preferred_time="14:00-17:00")
    assignment.assign(supervisor, [quiet, slot], specialist.id)
    assert not Callback.select().where(Callback.customer == quiet).exists()
    cb = Callback.get(Callback.customer == slot)
    # the deadline is Friday 10:00, so the afternoon slot falls on Thursday
    assert cb.due_at == T(2026, 11, 26, 14, 0)


def test_auto_assignment_of_many_customers_bulk_inserts_first_contacts(supervisor, team):
    ids = [c for c in (new(supervisor, f"客户{i}") for i in range(60))]
    assignment.auto_assign(supervisor)
    assert Callback.select().where(Callback.customer.in_(ids) & (Callback.purpose == "welcome")).count() == 60


def _complaint(customer_id, handler, resolved_at):
    return Complaint.create(customer=customer_id, channel="hotline", category=ComplaintCategory.select().first(),
                            description="提现慢", handler=handler, created_by=handler, status="resolved",
                            resolved_at=resolved_at)


def test_verification_callback_skips_the_statutory_holiday(supervisor, specialist):
    clock.freeze(T(2026, 9, 29, 15, 0))                    # Tuesday before National Day
    cid = new(supervisor, "张三")
    assignment.assign(supervisor, [cid], specialist.id)
    complaint = _complaint(cid, supervisor, T(2026, 9, 29, 15, 0))
    cb_id = callbacks.schedule_complaint_verification(supervisor, complaint.id)
    cb = Callback.get_by_id(cb_id)
    assert cb.due_at == T(2026, 9, 30, 9, 0)              # 10-01 and 10-02 are National Day
    assert (cb.complaint_id, cb.purpose, cb.assigned_to_id) == (complaint.id, "complaint_check", specialist.id)
    assert callbacks.schedule_complaint_verification(supervisor, complaint.id) == cb_id      # no duplicate


def test_verification_callback_honours_a_make_up_working_day(supervisor, specialist):
    clock.freeze(T(2026, 10, 7, 10, 0))                    # last day of the National Day holiday
    cid = new(supervisor, "张三")
    complaint = _complaint(cid, specialist, T(2026, 10, 7, 10, 0))
    cb = Callback.get_by_id(callbacks.schedule_complaint_verification(supervisor, complaint.id))
    assert cb.due_at == T(2026, 10, 10, 9, 0)             # Saturday 10-10 is a make-up working day
    assert cb.assigned_to_id == specialist.id             # no specialist: the complaint's handler


def test_verification_callback_skips_the_weekend(supervisor, specialist):
    clock.freeze(T(2026, 11, 19, 10, 0))                   # Thursday; the deadline is Sunday
    cid = new(supervisor, "张三")
    complaint = _complaint(cid, specialist, T(2026, 11, 19, 10, 0))
    cb = Callback.get_by_id(callbacks.schedule_complaint_verification(supervisor, complaint.id))
    assert cb.due_at == T(2026, 11, 20, 9, 0)


def test_periodic_care_by_tier_is_idempotent(supervisor, specialist):
    vip = Tier.get(Tier.name == Tier.select().order_by(Tier.sort_order).first().name)
    assert vip.callback_interval_days == 30
    due = new(supervisor, "老客户", tier_id=vip.id)
    recent = new(supervisor, "新联系", tier_id=vip.id)
    quiet = new(supervisor, "免打扰", tier_id=vip.id, do_not_call=True)
    plain = new(supervisor, "普通", preferred_time="19:00-20:00", tier_id=vip.id)
    assignment.assign(supervisor, [due, recent, quiet, plain], specialist.id)
    Customer.update(last_contact_at=NOW - dt.timedelta(days=40)).where(Customer.id.in_([due, quiet, plain])).execute()
    Customer.update(last_contact_at=NOW - dt.timedelta(days=5)).where(Customer.id == recent).execute()
    result = callbacks.run_periodic_care(supervisor, NOW.date())
    assert (result.created, result.skipped_do_not_call) == (2, 1)
    care = {c.customer_id: c for c in Callback.select().where(Callback.purpose == "periodic_care")}
    assert set(care) == {due, plain}
    assert care[due].due_at == NOW and care[plain].due_at == T(2026, 11, 20, 19, 0)
    assert callbacks.run_periodic_care(supervisor, NOW.date()).created == 0
    clock.freeze(NOW + dt.timedelta(days=1))
    assert callbacks.run_periodic_care(specialist).created == 0          # still the same period


# -- campaigns ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("count", [1, 10, 31])
def test_campaign_is_balanced_within_one_and_skips_do_not_call(supervisor, team, count):
    clock.freeze(T(2026, 9, 25, 10, 0))
    ids = [new(supervisor, f"客户{i}", customer_type="investor") for i in range(count)]
    new(supervisor, "免打扰", customer_type="investor", do_not_call=True)
    new(supervisor, "借款人", customer_type="borrower")
    assignment.assign(supervisor, ids[: count // 2], team[0].id)     # half already belong to one specialist
    before = Callback.select().count()
    result = callbacks.create_campaign(supervisor, "国庆回访", "special_period", "phone",
                                       CustomerQuery(customer_type="investor"), D(2026, 9, 28), D(2026, 10, 10))
    made = list(Callback.select().where(Callback.campaign == result.campaign_id))
    assert result.created == len(made) == count == Callback.select().count() - before
    assert result.skipped_do_not_call == 1
    per = [sum(1 for c in made if c.assigned_to_id == s.id) for s in team]
    assert max(per) - min(per) <= 1 and sum(per) == count
    working = {D(2026, 9, 28), D(2026, 9, 29), D(2026, 9, 30), D(2026, 10, 8), D(2026, 10, 9), D(2026, 10, 10)}
    for c in made:
        assert c.due_at.date() in working and allowed(c.due_at), c.due_at


def test_campaign_prefers_the_customers_own_specialist_while_balanced(supervisor, team):
    ids = [new(supervisor, f"客户{i}") for i in range(6)]
    assignment.assign(supervisor, ids[:2], team[0].id)
    assignment.assign(supervisor, ids[2:4], team[1].id)
    result = callbacks.create_campaign(supervisor, "周年庆", "special_period", "sms", CustomerQuery(),
                                       D(2026, 11, 23), D(2026, 11, 27))
    owner = {c.customer_id: c.assigned_to_id for c in Callback.select().where(Callback.campaign == result.campaign_id)}
    assert [owner[i] for i in ids[:4]] == [team[0].id] * 2 + [team[1].id] * 2
    assert sorted(result.per_specialist.values()) == [2, 2, 2]


def test_campaign_progress_can_cancel_and_nothing_is_written(supervisor, team):
    for i in range(5):
        new(supervisor, f"客户{i}")
    seen = []

    def progress(done, total):
        seen.append((done, total))
        return False

    with pytest.raises(callbacks.Cancelled):
        callbacks.create_campaign(supervisor, "促销", "special_period", "phone", CustomerQuery(), D(2026, 11, 23),
                                  D(2026, 11, 27), progress)
    assert seen and not Callback.select().where(Callback.campaign.is_null(False)).exists()


def test_campaign_form_errors_and_permission(supervisor, specialist):
    with pytest.raises(PermissionDenied):
        callbacks.create_campaign(specialist, "x", "special_period", "phone", CustomerQuery(), D(2026, 11, 23),
                                  D(2026, 11, 27))
    with pytest.raises(FormErrors) as err:
        callbacks.create_campaign(supervisor, "", "nope", "phone", CustomerQuery(), D(2026, 11, 27), D(2026, 11, 23))
    assert {"name", "purpose", "dates"} <= set(err.value.errors)
    with pytest.raises(FormErrors) as err:
        callbacks.create_campaign(supervisor, "国庆", "special_period", "phone", CustomerQuery(), D(2026, 11, 21),
                                  D(2026, 11, 22))
    assert "dates" in err.value.errors                      # a weekend only


# -- recording ---------------------------------------------------------------------------------------

@pytest.fixture
def callback(supervisor, specialist):
    cid = new(supervisor, "张三")
    assignment.assign(supervisor, [cid], specialist.id)
    return Callback.get(Callback.customer == cid)


def test_a_reached_result_needs_satisfaction_opinion_and_next_step(specialist, callback):
    with pytest.raises(FormErrors) as err:
        callbacks.record_result(specialist, callback.id, "reached", None, "  ", "", 120, None)
    assert set(err.value.errors) == {"satisfaction", "opinion", "next_step"}
    with pytest.raises(FormErrors) as err:
        callbacks.record_result(specialist, callback.id, None)
    assert set(err.value.errors) == {"outcome"}
    stored = Callback.get_by_id(callback.id)
    assert (stored.status, stored.attempts, stored.outcome) == ("open", 0, None)
    assert not CallbackAttempt.select().exists()


def test_recording_a_reached_result_closes_it_and_counts_as_first_contact(specialist, callback):
    clock.freeze(NOW + dt.timedelta(hours=1))
    result = callbacks.record_result(specialist, callback.id, "reached", "satisfied", "服务很好", "多推新品", 180,
                                     "none", expected_version=callback.version)
    stored = Callback.get_by_id(callback.id)
    assert (stored.status, stored.done_by_id, stored.attempts, stored.satisfaction) == \
        ("done", specialist.id, 1, "satisfied")
    assert not result.offer_complaint
    assert Customer.get_by_id(callback.customer_id).first_contact_at == NOW + dt.timedelta(hours=1)
    with pytest.raises(ValidationError):
        callbacks.record_result(specialist, callback.id, "reached", "satisfied", "再来一次", "", 1, "none")
    entries = timeline.timeline(specialist, callback.customer_id)
    assert any(e.kind == "callback" and "服务很好" in e.detail for e in entries)


def test_a_specialist_records_only_their_own_callbacks(supervisor, team, callback):
    with pytest.raises(PermissionDenied):
        callbacks.record_result(team[1], callback.id, "reached", "satisfied", "好", "", 60, "none")


def test_not_reached_reschedules_and_counts_attempts(specialist, callback):
    with pytest.raises(FormErrors) as err:
        callbacks.record_result(specialist, callback.id, "no_answer")
    assert "outcome" in err.value.errors
    first = callbacks.reschedule(specialist, callback.id, "later_today", outcome="no_answer", note="无人接听")
    assert first.attempts == 1 and first.due_at == T(2026, 11, 20, 14, 0) and not first.suggest_sms
    second = callbacks.reschedule(specialist, callback.id, "tomorrow", outcome="phone_off")
    assert second.attempts == 2 and second.due_at == T(2026, 11, 23, 9, 0)   # Saturday is not a working day
    assert CallbackAttempt.select().where(CallbackAttempt.callback == callback.id).count() == 2
    assert AuditEntry.select().where(AuditEntry.action == "callback_rescheduled").count() == 2
    assert Callback.get_by_id(callback.id).status == "open"


def test_three_failed_phone_attempts_suggest_sms(specialist, callback):
    results = [callbacks.reschedule(specialist, callback.id, "tomorrow", outcome="no_answer") for _i in range(3)]
    assert [r.suggest_sms for r in results] == [False, False, True]
    assert callbacks.callback_detail(specialist, callback.id).suggest_sms
    switched = callbacks.reschedule(specialist, callback.id, "later_today", method="sms")
    assert not switched.suggest_sms and Callback.get_by_id(callback.id).method == "sms"
    assert switched.attempts == 3                          # moving without an attempt counts none


def test_a_picked_time_in_quiet_hours_warns(specialist, callback):
    with pytest.raises(callbacks.QuietHoursWarning) as warning:
        callbacks.reschedule(specialist, callback.id, T(2026, 11, 20, 12, 30), outcome="no_answer")
    assert warning.value.suggestion == T(2026, 11, 20, 14, 0)
    assert Callback.get_by_id(callback.id).attempts == 0
    done = callbacks.reschedule(specialist, callback.id, T(2026, 11, 20, 12, 30), outcome="no_answer",
                                confirm_quiet=True)
    assert done.due_at == T(2026, 11, 20, 12, 30)


def test_wrong_number_closes_the_callback_with_the_attempt(specialist, callback):
    result = callbacks.record_result(specialist, callback.id, "wrong_number", notes="空号")
    assert result.status == "done" and Callback.get_by_id(callback.id).satisfaction is None
    assert CallbackAttempt.get(CallbackAttempt.callback == callback.id).outcome == "wrong_number"


def test_unsatisfied_ordinary_callback_offers_a_complaint(specialist, callback):
    result = callbacks.record_result(specialist, callback.id, "reached", "unsatisfied", "提现太慢", "加快审核", 300,
                                     "complaint")
    assert result.offer_complaint and "提现太慢" in result.complaint_text and not result.verification
    assert callbacks.complaint_offer_available() is True         # the complaint area exists


def test_a_verification_result_goes_to_the_complaint_hook(monkeypatch, supervisor, specialist):
    seen = []
    monkeypatch.setattr(callbacks, "on_verification_result", lambda cb: seen.append((cb.id, cb.satisfaction)))
    cid = new(supervisor, "张三")
    complaint = _complaint(cid, specialist, NOW)
    cb_id = callbacks.schedule_complaint_verification(supervisor, complaint.id)
    result = callbacks.record_result(specialist, cb_id, "reached", "unsatisfied", "还是不满意", "", 60, "complaint")
    assert result.verification and not result.offer_complaint
    assert seen == [(cb_id, "unsatisfied")]


def test_schedule_by_hand_warns_about_quiet_hours_and_non_working_days(specialist, callback):
    cid = callback.customer_id
    with pytest.raises(callbacks.QuietHoursWarning) as warning:
        callbacks.schedule(specialist, cid, T(2026, 11, 20, 21, 30), "other", "phone")
    assert warning.value.suggestion == T(2026, 11, 23, 9, 0)
    with pytest.raises(callbacks.QuietHoursWarning):
        callbacks.schedule(specialist, cid, T(2026, 11, 22, 10, 0), "other")   # a Sunday
    cb_id = callbacks.schedule(specialist, cid, T(2026, 11, 20, 21, 30), "other", "phone", confirm_quiet=True)
    assert Callback.get_by_id(cb_id).due_at == T(2026, 11, 20, 21, 30)
    ok = callbacks.schedule(specialist, cid, T(2026, 11, 23, 15, 0), "renewal_reminder", "phone")
    assert Callback.get_by_id(ok).assigned_to_id == specialist.id
    with pytest.raises(FormErrors) as err:
        callbacks.schedule(specialist, cid, T(2026, 11, 1, 10, 0), "bad", "fax")
    assert set(err.value.errors) == {"due_at", "purpose", "method"}


def test_reassigning_a_callback_is_a_supervisors_audited_act(supervisor, team, callback):
    with pytest.raises(PermissionDenied):
        callbacks.reassign(team[0], callback.id, team[1].id)
    callbacks.reassign(supervisor, callback.id, team[1].id)
    assert Callback.get_by_id(callback.id).assigned_to_id == team[1].id
    assert AuditEntry.get(AuditEntry.action == "callback_reassigned").entity_id == callback.id


# -- My day, reminders, handovers ----------------------------------------------------------------------

def test_my_day_lists_and_counts(supervisor, team):
    me, other = team[0], team[1]
    ids = [new(supervisor, f"客户{i}") for i in range(5)]
    clock.freeze(NOW - dt.timedelta(days=6))
    assignment.assign(supervisor, ids[:1], me.id)                  # assigned 6 days ago, not contacted
    clock.freeze(NOW)
    Callback.delete().execute()
    open_callback(ids[1], me, NOW - dt.timedelta(days=1))          # overdue
    open_callback(ids[2], me, NOW - dt.timedelta(minutes=5))       # overdue (its time passed)
    open_callback(ids[2], me, NOW + dt.timedelta(hours=4))         # due today
    open_callback(ids[3], me, NOW + dt.timedelta(days=3))          # upcoming
    open_callback(ids[3], me, NOW + dt.timedelta(days=30))         # too far
    open_callback(ids[4], other, NOW + dt.timedelta(hours=1))      # someone else's
    open_callback(ids[4], me, NOW - dt.timedelta(days=2), status="done")
    day = callbacks.my_day(me)
    assert (day.overdue_count, day.due_today_count, day.upcoming_count, day.not_contacted_count) == (2, 1, 1, 1)
    assert all(r.overdue for r in day.overdue) and not day.due_today[0].overdue
    assert day.not_contacted[0].customer_id == ids[0]
    assert day.overdue[0].mobile == "" and day.overdue[0].customer_name == "客户1"
    with pytest.raises(PermissionDenied):
        callbacks.my_day(me, callbacks.TEAM)
    team_day = callbacks.my_day(supervisor, callbacks.TEAM)
    assert (team_day.overdue_count, team_day.due_today_count) == (2, 2)
    assert callbacks.my_day(supervisor, other.id).due_today_count == 1
    capped = callbacks.my_day(me, limit=1)
    assert len(capped.overdue) == 1 and capped.overdue_count == 2


def test_due_reminders(specialist, supervisor):
    cid = new(supervisor, "张三")
    soon = open_callback(cid, specialist, NOW + dt.timedelta(minutes=10))
    open_callback(cid, specialist, NOW + dt.timedelta(minutes=40))
    late = open_callback(cid, specialist, NOW - dt.timedelta(minutes=3))
    open_callback(cid, specialist, NOW - dt.timedelta(days=2))
    first = callbacks.due_reminders(specialist)
    assert [r.id for r in first.due_soon] == [soon.id]
    assert [r.id for r in first.newly_overdue] == [late.id]       # since the start of today
    assert first.overdue_total == 2 and "张三" in first.text()
    later = callbacks.due_reminders(specialist, NOW + dt.timedelta(minutes=12), since=NOW)
    assert [r.id for r in later.newly_overdue] == [soon.id] and later.due_soon == []


def test_handover_notes_are_read_and_acknowledged(supervisor, team):
    me, next_shift = team[0], team[1]
    cid = new(supervisor, "张三")
    cb = open_callback(cid, me)
    with pytest.raises(FormErrors):
        callbacks.write_handover(me, "  ", [cid])
    hid = callbacks.write_handover(me, "张三下午回电,跟进提现", [cid], [cb.id])
    assert callbacks.unread_handovers(me) == []                   # one's own note
    unread = callbacks.unread_handovers(next_shift)
    assert [h.id for h in unread] == [hid] and unread[0].customers == [(cid, "张三")]
    assert unread[0].callback_ids == [cb.id]
    assert callbacks.my_day(next_shift).handover_count == 1
    callbacks.acknowledge(next_shift, hid)
    callbacks.acknowledge(next_shift, hid)                        # twice is harmless
    assert callbacks.unread_handovers(next_shift) == []
    assert [h.read for h in callbacks.recent_handovers(next_shift)] == [True]


# -- the three musts ------------------------------------------------------------------------------------

def test_three_musts_on_known_data(supervisor, team):
    me = team[0]
    vip = Tier.select().where(Tier.is_member == True).order_by(Tier.sort_order).first()  # noqa: E712
    members = [new(supervisor, f"会员{i}", tier_id=vip.id) for i in range(4)]
    ordinary = new(supervisor, "普通")
    clock.freeze(T(2026, 11, 2, 10, 0))
    assignment.assign(supervisor, members + [ordinary], me.id)      # 5 first contacts, triggered 11-02
    Callback.delete().execute()
    lo, hi = D(2026, 11, 1), D(2026, 11, 30)
    # first contacts: done on day 6 (on time), done on day 8 (late), still open past day 7 (late)
    t0 = T(2026, 11, 2, 10, 0)
    fc = dict(purpose="welcome", triggered_at=t0)
    Callback.create(customer=members[0], assigned_to=me, due_at=t0 + dt.timedelta(days=5), status="done",
                    outcome="reached", done_at=t0 + dt.timedelta(days=6), trigger_key="assign:a", **fc)
    Callback.create(customer=members[1], assigned_to=me, due_at=t0 + dt.timedelta(days=5), status="done",
                    outcome="reached", done_at=t0 + dt.timedelta(days=8), trigger_key="assign:b", **fc)
    Callback.create(customer=members[2], assigned_to=me, due_at=t0 + dt.timedelta(days=5), trigger_key="assign:c",
                    attempts=2, **fc)
    # a complaint check: triggered 11-10, done 11-12 (on time)
    Callback.create(customer=ordinary, assigned_to=me, due_at=T(2026, 11, 12, 9, 0), purpose="complaint_check",
                    triggered_at=T(2026, 11, 10, 9, 0), status="done", outcome="reached",
                    done_at=T(2026, 11, 12, 11, 0))
    # a campaign call never tried, overdue; a future one (not yet due: not measured)
    Callback.create(customer=members[3], assigned_to=me, due_at=T(2026, 11, 16, 9, 0), purpose="special_period")
    Callback.create(customer=members[3], assigned_to=me, due_at=T(2026, 11, 25, 9, 0), purpose="special_period")
    clock.freeze(NOW)
    figures = callbacks.three_musts(supervisor, lo, hi)
    assert (figures.member_coverage.part, figures.member_coverage.whole) == (2, 4)
    assert (figures.recorded.part, figures.recorded.whole) == (4, 5)     # the untried campaign call
    assert (figures.on_time.part, figures.on_time.whole) == (2, 4)
    assert figures.overdue == 2                                         # the open first contact + campaign call
    assert figures.member_coverage.percent_text() == "50.0%"
    mine = callbacks.three_musts(me, lo, hi)
    assert mine.specialist_id == me.id and mine.recorded.whole == 5
    assert callbacks.three_musts(team[1], lo, hi).recorded.whole == 0
    with pytest.raises(PermissionDenied):
        callbacks.three_musts(team[1], lo, hi, me.id)


def test_the_script_is_data_in_both_languages(supervisor):
    zh = callbacks.standard_script("张三", "李专员", "测试公司", language="zh_CN")
    assert "李专员" in zh.opening and "张三" in zh.opening and "满意" in zh.question
    assert zh.follow_up("satisfied") != zh.follow_up("average") == zh.follow_up("unsatisfied")
    en = callbacks.standard_script("Zhang San", "Li", "ACME", language="en")
    assert "Zhang San" in en.opening and en.closing("satisfied") != en.closing("unsatisfied")
    callbacks.set_script(supervisor, "zh_CN", {"question": "请问您对{company}满意吗?"})
    assert callbacks.standard_script("张三", "李", "测试公司", language="zh_CN").question == "请问您对测试公司满意吗?"


def test_rules_are_a_supervisors_table(supervisor, specialist):
    rule = next(r for r in callbacks.list_rules() if r.trigger == "assignment")
    with pytest.raises(PermissionDenied):
        callbacks.save_rule(specialist, rule.id, rule.name, 7, "welcome", "phone", False)
    callbacks.save_rule(supervisor, rule.id, rule.name, 7, "welcome", "phone", False)
    cid = new(supervisor, "张三")
    assignment.assign(supervisor, [cid], specialist.id)
    assert not Callback.select().where(Callback.customer == cid).exists()     # switched off
