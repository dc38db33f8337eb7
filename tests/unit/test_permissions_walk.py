"""Every service action called as a specialist: the unauthorized successes are counted, and must be zero.

"Unauthorized" comes from the one permission table (``permissions.ROLE_PERMISSIONS``):
- an action whose permission the specialist role lacks must raise PermissionDenied, and
  the refusal must be in the audit log;
- a WORK_OWN action where "own" matters is also called on another specialist's customer,
  callback or complaint (``OTHERS``), and on the supervisor-only variants of an own action
  (another's My day, deleted customers, full values in a print...): PermissionDenied again.
An action the specialist may call is called on their own things: it must not be refused
(a refusal there means the table and the service disagree, or a factory is wrong).

Every action needs an argument factory in ``FACTORIES``: a new action without one fails
``test_every_action_has_an_argument_factory``. Each call runs in a transaction that is
rolled back, so every action starts from the same small archive.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import importlib
import pkgutil
from pathlib import Path
from typing import Any, Callable

import pytest

import desktop_cs.services as services_package
from desktop_cs import clock
from desktop_cs.models import (AuditEntry, CallbackRule, ComplaintCategory, EnquiryTopic, HarassingNumber,
                               PointsEntry, RootCause, Tier, User, database)
from desktop_cs.models.user import ROLE_SPECIALIST
from desktop_cs.services.errors import PermissionDenied, ServiceError
from desktop_cs.services.permissions import ACTIONS, ROLE_PERMISSIONS, WORK_OWN, write_pending_refusals
from tests.conftest import TEST_PASSWORD

NOW = dt.datetime(2026, 11, 18, 10, 0, 0)          # a Wednesday morning, outside quiet hours
TOMORROW_10 = dt.datetime(2026, 11, 19, 10, 0, 0)


def _import_every_service_module() -> None:
    """ACTIONS fills as modules are imported: import them all, so a new module's actions are walked too."""
    for module in pkgutil.iter_modules(services_package.__path__):
        importlib.import_module(f"{services_package.__name__}.{module.name}")


_import_every_service_module()


@dataclasses.dataclass
class World:
    """A small archive: the specialist's own things, another specialist's, and the supervisor's lists."""

    supervisor: User
    me: User
    other: User
    my_customer: int
    my_second_customer: int
    their_customer: int
    their_second_customer: int
    deleted_customer: int
    my_callback: int
    their_callback: int
    my_complaint: int
    their_complaint: int
    my_entry: int
    their_entry: int
    big_entry: int
    pending_adjustment: int
    handover: int
    harassing_number: int
    tier: int
    topic: int
    category: int
    root_cause: int
    callback_rule: int
    folder: Path


Call = tuple[tuple, dict]


def A(*args: Any, **kwargs: Any) -> Call:  # noqa: N802 - reads like a call
    return args, kwargs


@pytest.fixture
def world(supervisor, specialist, tmp_path) -> World:
    from desktop_cs.services import callbacks, complaints, customers, points, users
    from desktop_cs.services.customers import CustomerInput

    clock.freeze(NOW)
    other = users.create_user(supervisor, "spec2", "赵专员", "specialist", TEST_PASSWORD)
    mine = customers.create_customer(specialist, CustomerInput(name="我的客户", mobile="13800138000",
                                                               registered=True))
    mine2 = customers.create_customer(specialist, CustomerInput(name="我的客户二", mobile="13800138001"))
    theirs = customers.create_customer(other, CustomerInput(name="别人的客户", mobile="13900139000",
                                                            registered=True))
    theirs2 = customers.create_customer(other, CustomerInput(name="别人的客户二", mobile="13900139001"))
    deleted = customers.create_customer(supervisor, CustomerInput(name="已删除客户"))
    customers.delete_customer(supervisor, deleted, "重复")
    my_callback = callbacks.schedule(specialist, mine, TOMORROW_10, "periodic_care")
    their_callback = callbacks.schedule(other, theirs, TOMORROW_10, "periodic_care")
    category = ComplaintCategory.select().order_by(ComplaintCategory.id).first().id
    my_complaint = complaints.create_complaint(specialist, complaints.ComplaintInput(
        channel="hotline", category_id=category, severity="normal", description="提现到账慢",
        customer_id=mine)).complaint_id
    their_complaint = complaints.create_complaint(other, complaints.ComplaintInput(
        channel="hotline", category_id=category, severity="normal", description="客服态度差",
        customer_id=theirs)).complaint_id
    big = points.request_adjustment(supervisor, mine, 400, "活动补发")            # written at once
    points.set_adjustment_threshold(supervisor, 300)                             # now 400 is over it
    pending = points.request_adjustment(supervisor, mine, 1000, "大额补偿")       # waits for approval
    handover = callbacks.write_handover(other, "张先生明天上午回电")
    harassing = complaints.mark_harassing(other, "0755-88889999", "骚扰")
    return World(
        supervisor=supervisor, me=specialist, other=other, my_customer=mine, my_second_customer=mine2,
        their_customer=theirs, their_second_customer=theirs2, deleted_customer=deleted,
        my_callback=my_callback, their_callback=their_callback, my_complaint=my_complaint,
        their_complaint=their_complaint,
        my_entry=PointsEntry.get((PointsEntry.customer == mine) & (PointsEntry.event == "registration")).id,
        their_entry=PointsEntry.get((PointsEntry.customer == theirs) & (PointsEntry.event == "registration")).id,
        big_entry=big.entry_id, pending_adjustment=pending.adjustment_id, handover=handover,
        harassing_number=harassing if isinstance(harassing, int) else HarassingNumber.select().first().id,
        tier=Tier.select().first().id, topic=EnquiryTopic.select().first().id, category=category,
        root_cause=RootCause.select().first().id, callback_rule=CallbackRule.select().first().id,
        folder=tmp_path)


def _customer_input(name: str = "改过的名字"):
    from desktop_cs.services.customers import CustomerInput
    return CustomerInput(name=name, mobile=None, id_number=None)


def _complaint_input(w: World, customer_id: int | None):
    from desktop_cs.services.complaints import ComplaintInput
    return ComplaintInput(channel="hotline", category_id=w.category, severity="normal", description="投诉内容",
                          customer_id=customer_id)


def _complaint_edit(w: World):
    from desktop_cs.services.complaints import ComplaintEdit
    return ComplaintEdit(channel="hotline", category_id=w.category, severity="high", description="改过的描述")


def _customer_query(**kw):
    from desktop_cs.services.customers import CustomerQuery
    return CustomerQuery(**kw)


def _complaint_query():
    from desktop_cs.services.complaints import ComplaintQuery
    return ComplaintQuery()


def _audit_query():
    from desktop_cs.services.audit import AuditQuery
    return AuditQuery()


def _rule_input():
    from desktop_cs.services.points import RuleInput
    return RuleInput(event="registration", mode="fixed", points=99)


def _import_file(w: World) -> Path:
    path = w.folder / "customers.csv"
    path.write_text("姓名,手机\n王五,13700137000\n", encoding="utf-8")
    return path


#: action name -> plausible arguments (after the actor) on the specialist's OWN things
FACTORIES: dict[str, Callable[[World], Call]] = {
    # audit
    "audit.filter_choices": lambda w: A(),
    "audit.search": lambda w: A(_audit_query()),
    "audit.verify": lambda w: A(),
    # backups, imports, exports
    "backups.backup": lambda w: A(w.folder / "backup.sqlite3"),
    "backups.check": lambda w: A(),
    "backups.check_data": lambda w: A(),
    "backups.restore": lambda w: A(w.folder / "backup.sqlite3"),
    "backups.settings": lambda w: A(7, 4, 12),
    "exports.export": lambda w: A("customers", w.folder / "export.xlsx"),
    "imports.delete_mapping": lambda w: A("我的映射"),
    "imports.preview": lambda w: A(_import_file(w)),
    "imports.run": lambda w: A(None),
    "imports.save_mapping": lambda w: A("我的映射", ["姓名", "手机"], {0: "name", 1: "mobile"}),
    # calendar and callbacks
    "calendar.delete_override": lambda w: A(dt.date(2026, 12, 31)),
    "calendar.save_override": lambda w: A(dt.date(2026, 12, 31), False, "公司假日"),
    "callbacks.acknowledge_handover": lambda w: A(w.handover),
    "callbacks.campaign_preview": lambda w: A(_customer_query()),
    "callbacks.cancel": lambda w: A(w.my_callback, "客户已来电"),
    "callbacks.create_campaign": lambda w: A("中秋问候", "special_period", "phone", _customer_query(),
                                             dt.date(2026, 11, 19), dt.date(2026, 11, 20)),
    "callbacks.detail": lambda w: A(w.their_callback),                 # looking up is for anyone
    "callbacks.due_reminders": lambda w: A(),
    "callbacks.my_day": lambda w: A(),
    "callbacks.reassign": lambda w: A(w.my_callback, w.other.id),
    "callbacks.recent_handovers": lambda w: A(),
    "callbacks.record_result": lambda w: A(w.my_callback, "reached", satisfaction="satisfied", opinion="很好",
                                           next_step="none"),
    "callbacks.reschedule": lambda w: A(w.my_callback, "tomorrow"),
    "callbacks.run_periodic_care": lambda w: A(),
    "callbacks.save_rule": lambda w: A(w.callback_rule, "首次联系", 5, "welcome", "phone", True),
    "callbacks.schedule": lambda w: A(w.my_customer, TOMORROW_10, "periodic_care"),
    "callbacks.schedule_complaint_verification": lambda w: A(w.my_complaint),
    "callbacks.set_quiet_hours": lambda w: A([("12:00", "14:00")]),
    "callbacks.set_script": lambda w: A("zh_CN", {"opening": "您好"}),
    "callbacks.three_musts": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    "callbacks.unread_handovers": lambda w: A(),
    "callbacks.write_handover": lambda w: A("明天跟进", customer_ids=[w.my_customer]),
    # complaints
    "complaints.analysis": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    "complaints.close": lambda w: A(w.my_complaint, "客户满意"),
    "complaints.compensate": lambda w: A(w.my_complaint, "补偿积分", points=10),
    "complaints.count": lambda w: A(_complaint_query()),
    "complaints.create": lambda w: A(_complaint_input(w, w.their_customer)),   # a complaint for anyone
    "complaints.due": lambda w: A(),
    "complaints.edit": lambda w: A(w.my_complaint, _complaint_edit(w)),
    "complaints.escalate": lambda w: A(w.my_complaint, "客户要求主管处理"),
    "complaints.get": lambda w: A(w.their_complaint),
    "complaints.harassing_calls": lambda w: A(w.harassing_number),
    "complaints.harassing_list": lambda w: A(),
    "complaints.log_harassing_call": lambda w: A("0755-88889999", "又来电"),
    "complaints.mark_harassing": lambda w: A("0755-66667777", "骚扰"),
    "complaints.reassign": lambda w: A(w.my_complaint, w.other.id),
    "complaints.reminders": lambda w: A(),
    "complaints.reopen": lambda w: A(w.my_complaint, "客户仍不满意"),
    "complaints.repeat_caller": lambda w: A(customer_id=w.their_customer),
    "complaints.resolve": lambda w: A(w.my_complaint, "已加急处理", w.root_cause),
    "complaints.respond": lambda w: A(w.my_complaint, "已回复客户"),
    "complaints.save_category": lambda w: A(None, "新类别"),
    "complaints.save_root_cause": lambda w: A(None, "新原因"),
    "complaints.save_severity_target": lambda w: A("normal", 4, 24),
    "complaints.search": lambda w: A(_complaint_query()),
    "complaints.start": lambda w: A(w.my_complaint),
    "complaints.unmark_harassing": lambda w: A(w.harassing_number),
    # customers
    "customers.assign": lambda w: A([w.my_customer], w.other.id),
    "customers.auto_assign": lambda w: A(),
    "customers.count": lambda w: A(_customer_query(all_customers=True)),
    "customers.create": lambda w: A(_customer_input("新客户")),
    "customers.delete": lambda w: A(w.my_customer, "重复录入"),
    "customers.erase": lambda w: A(w.my_customer, "客户要求删除个人信息"),
    "customers.get": lambda w: A(w.their_customer),                    # look up any customer
    "customers.handover": lambda w: A(w.me.id, w.other.id),
    "customers.lookup_by_number": lambda w: A("13900139000"),
    "customers.merge": lambda w: A(w.my_customer, w.my_second_customer),
    "customers.merge_preview": lambda w: A(w.my_customer, w.their_customer),
    "customers.restore": lambda w: A(w.deleted_customer),
    "customers.reveal": lambda w: A(w.my_customer, "mobile"),
    "customers.search": lambda w: A(_customer_query(all_customers=True)),
    "customers.timeline": lambda w: A(w.their_customer),
    "customers.update": lambda w: A(w.my_customer, _customer_input()),
    "demo.generate": lambda w: A(10),
    "team.migrate_to": lambda w: A("postgresql://nobody@127.0.0.1:1/none"),
    # enquiries
    "enquiries.for_customer": lambda w: A(w.their_customer),
    "enquiries.record": lambda w: A(channel="hotline", topic_id=w.topic, summary="问提现",
                                    customer_id=w.their_customer),           # an enquiry for anyone
    "enquiries.save_topic": lambda w: A(None, "新主题"),
    # points
    "points.approve_adjustment": lambda w: A(w.pending_adjustment),
    "points.customer_view": lambda w: A(w.their_customer),
    "points.expiring_soon": lambda w: A(),
    "points.pending_adjustments": lambda w: A(),
    "points.reconcile": lambda w: A(),
    "points.record_event": lambda w: A(w.my_customer, "realname"),
    "points.redeem": lambda w: A(w.my_customer, 5, "INV-1"),
    "points.referred_customers": lambda w: A(w.their_customer),
    "points.reject_adjustment": lambda w: A(w.pending_adjustment, "不同意"),
    "points.request_adjustment": lambda w: A(w.my_customer, 50, "活动补发"),
    "points.reverse": lambda w: A(w.my_entry, "录错了"),
    "points.rules": lambda w: A(),
    "points.run_expiry": lambda w: A(),
    "points.save_rule": lambda w: A(_rule_input()),
    "points.set_threshold": lambda w: A(5000),
    "points.team_summary": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    # printing
    "printing.callback_forms": lambda w: A(callback_ids=[w.my_callback]),
    "printing.callback_summary": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    "printing.complaint_report": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    "printing.enquiry_summary": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    "printing.points_statement": lambda w: A(w.my_customer),
    "printing.points_summary": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    "printing.staff_report": lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30)),
    # team settings, tiers, users
    "settings.set_company_name": lambda w: A("另一家公司"),
    "settings.set_logo": lambda w: A(None),
    "tiers.save": lambda w: A(None, "钻石", 0, 30, True),
    "users.change_own_password": lambda w: A(TEST_PASSWORD, "new-pass-456", "new-pass-456"),
    "users.create": lambda w: A("spec9", "孙专员", "specialist", TEST_PASSWORD),
    "users.deactivate": lambda w: A(w.other.id),
    "users.get": lambda w: A(w.other.id),
    "users.list": lambda w: A(),
    "users.note_session": lambda w: A("screen_locked"),
    "users.reactivate": lambda w: A(w.other.id),
    "users.reset_password": lambda w: A(w.other.id, "temp-pass-123"),
    "users.update": lambda w: A(w.other.id, "赵专员", "supervisor"),
}

#: action name -> calls a specialist must be refused although the action itself is theirs: another
#: specialist's customer, callback or complaint (WORK_OWN), or a supervisor-only variant (another's My day,
#: deleted customers, full values in a print, a reversal over the threshold)
OTHERS: dict[str, list[Callable[[World], Call]]] = {
    "callbacks.cancel": [lambda w: A(w.their_callback, "客户已来电")],
    "callbacks.my_day": [lambda w: A(w.other.id), lambda w: A("team")],
    "callbacks.record_result": [lambda w: A(w.their_callback, "reached", satisfaction="satisfied", opinion="好",
                                            next_step="none")],
    "callbacks.reschedule": [lambda w: A(w.their_callback, "tomorrow")],
    "callbacks.schedule": [lambda w: A(w.their_customer, TOMORROW_10, "periodic_care"),
                           lambda w: A(w.my_customer, TOMORROW_10, "periodic_care", assigned_to_id=w.other.id)],
    "callbacks.schedule_complaint_verification": [lambda w: A(w.their_complaint)],
    "callbacks.three_musts": [lambda w: A(dt.date(2026, 11, 1), dt.date(2026, 11, 30), w.other.id)],
    "complaints.close": [lambda w: A(w.their_complaint, "客户满意"),
                         lambda w: A(w.my_complaint, override_reason="三次未接通")],
    "complaints.compensate": [lambda w: A(w.their_complaint, "补偿积分", points=10)],
    "complaints.due": [lambda w: A(w.other.id), lambda w: A("team")],
    "complaints.edit": [lambda w: A(w.their_complaint, _complaint_edit(w))],
    "complaints.escalate": [lambda w: A(w.their_complaint, "客户要求主管处理")],
    "complaints.reopen": [lambda w: A(w.their_complaint, "客户仍不满意")],
    "complaints.resolve": [lambda w: A(w.their_complaint, "已加急处理", w.root_cause)],
    "complaints.respond": [lambda w: A(w.their_complaint, "已回复客户")],
    "complaints.start": [lambda w: A(w.their_complaint)],
    "customers.count": [lambda w: A(_customer_query(deleted=True))],
    "customers.delete": [lambda w: A(w.their_customer, "重复录入")],
    "customers.merge": [lambda w: A(w.my_customer, w.their_customer),
                        lambda w: A(w.their_customer, w.their_second_customer)],
    "customers.search": [lambda w: A(_customer_query(deleted=True))],
    "customers.update": [lambda w: A(w.their_customer, _customer_input())],
    "points.record_event": [lambda w: A(w.their_customer, "realname")],
    "points.redeem": [lambda w: A(w.their_customer, 5, "INV-2")],
    "points.request_adjustment": [lambda w: A(w.their_customer, 50, "活动补发")],
    "points.reverse": [lambda w: A(w.their_entry, "录错了"),
                       lambda w: A(w.big_entry, "录错了")],           # over the threshold: a supervisor's
    "printing.callback_forms": [lambda w: A(callback_ids=[w.their_callback]),
                                lambda w: A(callback_ids=[w.my_callback], full_values=True),
                                lambda w: A(date_from=dt.date(2026, 11, 19), date_to=dt.date(2026, 11, 19),
                                            specialist_id=w.other.id)],
}


def _refusals() -> int:
    return AuditEntry.select().where(AuditEntry.action == "permission_denied").count()


def _attempt(fn: Callable, actor: User, call: Call) -> tuple[str, bool]:
    """Call FN as ACTOR in a transaction that is rolled back: ("ok" / "denied" / "refused: ..." / "crash: ...",
    whether a refusal was written to the audit log)."""
    args, kwargs = call
    before = _refusals()
    with database.atomic() as txn:
        try:
            fn(actor, *args, **kwargs)
            outcome = "ok"
        except PermissionDenied:
            outcome = "denied"
        except ServiceError as error:
            outcome = f"refused: {type(error).__name__}: {error.message}"
        except Exception as error:  # noqa: BLE001 - reported, not hidden
            outcome = f"crash: {type(error).__name__}: {error}"
        finally:
            txn.rollback()
    write_pending_refusals()
    return outcome, _refusals() > before


def test_every_action_has_an_argument_factory():
    missing = sorted(set(ACTIONS) - set(FACTORIES))
    assert missing == [], f"add argument factories to FACTORIES for: {missing}"
    assert sorted(set(OTHERS) - set(ACTIONS)) == []


@dataclasses.dataclass
class WalkResult:
    """What walking every action as the specialist found."""

    unauthorized: list[str]
    unaudited: list[str]
    wrongly_refused: list[str]
    crashed: list[str]
    denied_calls: int
    allowed_calls: int


def walk(world: World) -> WalkResult:
    """Call every action as the specialist (and the OTHERS variants); sort the outcomes."""
    specialist_may = ROLE_PERMISSIONS[ROLE_SPECIALIST]
    unauthorized: list[str] = []
    unaudited: list[str] = []
    wrongly_refused: list[str] = []
    crashed: list[str] = []
    denied_calls = allowed_calls = 0
    for name in sorted(ACTIONS):
        permission, fn = ACTIONS[name]
        outcome, audited = _attempt(fn, world.me, FACTORIES[name](world))
        if permission not in specialist_may:
            denied_calls += 1
            if outcome != "denied":
                unauthorized.append(f"{name}: {outcome}")
            elif not audited:
                unaudited.append(name)
            continue
        allowed_calls += 1
        if outcome == "denied":
            wrongly_refused.append(name)
        elif outcome.startswith("crash"):
            crashed.append(f"{name}: {outcome}")
        for other in OTHERS.get(name, []):
            denied_calls += 1
            outcome, audited = _attempt(fn, world.me, other(world))
            if outcome != "denied":
                unauthorized.append(f"{name} on another's: {outcome}")
            elif not audited:
                unaudited.append(f"{name} on another's")
    return WalkResult(unauthorized, unaudited, wrongly_refused, crashed, denied_calls, allowed_calls)


def test_the_walk_finds_zero_unauthorized_successes(world):
    result = walk(world)
    print(f"\nwalked {len(ACTIONS)} actions: {result.denied_calls} calls must be refused, {result.allowed_calls} "
          f"allowed; unauthorized successes: {len(result.unauthorized)}")
    assert result.unauthorized == []
    assert result.unaudited == []
    assert result.wrongly_refused == []
    assert result.crashed == []


def test_the_walk_would_see_a_missing_ownership_check(world, monkeypatch):
    """Take the ownership check out of the archive service: the walk counts the successes."""
    from desktop_cs.services import customers
    monkeypatch.setattr(customers, "require_own", lambda *args, **kwargs: None)
    result = walk(world)
    assert {"customers.update on another's", "customers.delete on another's"} <= {
        entry.split(":")[0] for entry in result.unauthorized}


def test_own_things_really_are_workable(world):
    """The own calls of a few writing actions succeed outright, so the walk's refusals are about ownership."""
    for name in ("customers.update", "callbacks.reschedule", "complaints.start", "points.redeem",
                 "points.request_adjustment", "enquiries.record", "complaints.create", "customers.merge"):
        outcome, _audited = _attempt(ACTIONS[name][1], world.me, FACTORIES[name](world))
        assert outcome == "ok", (name, outcome)


#: actions that work on files or the database file itself (a backup cannot copy a database inside an open
#: write transaction): the walk only needs them refused, which happens before they touch anything
OUTSIDE_THE_DATABASE = {"backups.backup", "backups.check", "backups.check_data", "backups.restore",
                        "backups.settings", "exports.export", "imports.preview", "imports.run", "demo.generate",
                        "team.migrate_to"}


def test_a_supervisor_is_refused_nothing_on_the_same_calls(world):
    """The same factories as a supervisor: no refusal (so the walk's refusals come from the role)."""
    refused = []
    for name in sorted(ACTIONS):
        if name in OUTSIDE_THE_DATABASE or name == "users.change_own_password":   # that password is the specialist's
            continue
        permission, fn = ACTIONS[name]
        outcome, _audited = _attempt(fn, world.supervisor, FACTORIES[name](world))
        if outcome == "denied":
            refused.append(name)
    assert refused == []


def test_ownership_variants_belong_to_actions_the_specialist_may_call():
    specialist_may = ROLE_PERMISSIONS[ROLE_SPECIALIST]
    assert {name for name in OTHERS if ACTIONS[name][0] not in specialist_may} == set()
    assert any(ACTIONS[name][0] == WORK_OWN for name in OTHERS)
