"""The demo data generator: counts, realistic and valid values, consistency with the guards, permissions."""
from __future__ import annotations

import datetime as dt
import re

import pytest

from desktop_cs import clock
from desktop_cs.models import AuditEntry, Customer, User, database
from desktop_cs.models import db as dbmod
from desktop_cs.services import demo_data, team_settings, users
from desktop_cs.services.database import open_app_database
from desktop_cs.services.errors import PermissionDenied, ServiceError, ValidationError
from desktop_cs.services.search_keys import customer_search_key

NOW = dt.datetime(2026, 3, 16, 10, 30, 0)
N = 200
DATETIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


@pytest.fixture
def frozen(db):
    clock.freeze(NOW)
    return db


def _as_stored(value):
    """A team server gives timestamps as datetime objects; SQLite as the text it keeps. Compare as text."""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def q(sql: str, *params):
    sql = sql.replace("?", database.obj.param)
    return [tuple(_as_stored(v) for v in row) for row in database.obj.execute_sql(sql, params).fetchall()]


def scalar(sql: str, *params):
    return q(sql, *params)[0][0]


def valid_id_number(value: str) -> bool:
    """GB 11643-1999 written out from the standard, not taken from the code under test."""
    if not re.fullmatch(r"[1-8]\d{5}(19|20)\d{2}\d{4}\d{3}[\dX]", value):
        return False
    try:
        born = dt.datetime.strptime(value[6:14], "%Y%m%d").date()
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= NOW.date():
        return False
    # weight of position i (1-based from the left, 18 positions): 2^(18-i) mod 11
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(value[:17]))
    check = (12 - total % 11) % 11
    return value[17] == ("X" if check == 10 else str(check))


def test_the_independent_id_check_knows_a_published_example():
    # the example number of GB 11643-1999 appendix
    assert valid_id_number("11010519491231002X")
    assert not valid_id_number("110105194912310021")
    assert demo_data.id_check_char("11010519491231002") == "X"


def test_generates_the_requested_volumes(frozen):
    calls = []
    summary = demo_data.generate(None, N, seed=3, progress=lambda done, total: calls.append((done, total)))

    assert Customer.select().count() == N == summary.customers
    assert calls[-1] == (N, N)
    callbacks = scalar("SELECT COUNT(*) FROM callback")
    assert callbacks == summary.callbacks
    assert 4 * N <= callbacks <= 6 * N
    assert scalar("SELECT COUNT(*) FROM complaint") == N // 2 == summary.complaints
    states = {row[0] for row in q("SELECT DISTINCT status FROM complaint")}
    assert states == {"received", "in_progress", "resolved", "verified", "closed"}
    assert scalar("SELECT COUNT(*) FROM enquiry") == 2 * N == summary.enquiries
    entries = scalar("SELECT COUNT(*) FROM points_entry")
    assert entries == summary.points_entries
    assert 8 * N <= entries <= 12 * N
    assert scalar("SELECT COUNT(*) FROM assignment") == scalar(
        "SELECT COUNT(*) FROM customer WHERE assigned_to_id IS NOT NULL") == summary.assignments
    assert summary.harassing_numbers > 0 and summary.harassing_calls >= summary.harassing_numbers
    assert summary.handovers > 0
    assert summary.callback_attempts > 0
    assert scalar("SELECT COUNT(*) FROM callback WHERE status = 'done'") > callbacks // 2


def test_customers_look_real_and_are_valid(frozen):
    demo_data.generate(None, N)
    rows = q("SELECT name, mobile, id_number, email, customer_type, source, created_at, search_key FROM customer")
    ids = [r[2] for r in rows if r[2]]
    assert len(ids) > N // 2
    assert all(valid_id_number(v) for v in ids), [v for v in ids if not valid_id_number(v)][:5]
    assert len(set(ids)) == len(ids)
    mobiles = [r[1] for r in rows if r[1]]
    assert len(mobiles) > N * 0.9
    assert all(re.fullmatch(r"1[3-9]\d{9}", m) for m in mobiles)
    assert len(set(mobiles)) == len(mobiles)
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", r[0]) for r in rows)
    assert {r[4] for r in rows} == {"investor", "borrower", "prospect"}
    assert any(r[3] for r in rows)
    created = [dt.datetime.fromisoformat(r[6]) for r in rows]
    assert all(DATETIME.match(r[6]) for r in rows)
    assert max(created) <= NOW and min(created) >= NOW - dt.timedelta(days=366)
    assert max(created) - min(created) > dt.timedelta(days=300)   # spread over the year
    assert team_settings.get(team_settings.COMPANY_NAME)


def test_customers_are_found_as_the_archive_finds_them(frozen):
    demo_data.generate(None, N)
    tags: dict[int, list[str]] = {}
    for customer_id, tag in q("SELECT ct.customer_id, t.name FROM customer_tag ct JOIN tag t ON t.id = ct.tag_id "
                              "ORDER BY ct.id"):
        tags.setdefault(customer_id, []).append(tag)
    assert tags
    for cid, name, mobile, id_number, email, im_id, key in q(
            "SELECT id, name, mobile, id_number, email, im_id, search_key FROM customer"):
        assert key == customer_search_key(name, mobile, id_number, email, im_id, tags.get(cid, []))
    # contacts as note_contact keeps them: the first by the assigned specialist, after the assignment
    rows = q("SELECT assigned_at, first_contact_at, last_contact_at FROM customer WHERE assigned_to_id IS NOT NULL")
    assert all(first is None or assigned <= first <= last for assigned, first, last in rows)
    contacted = sum(1 for _a, first, _l in rows if first)
    assert contacted > len(rows) * 0.8
    week_ago = (NOW - dt.timedelta(days=7)).strftime("%Y-%m-%d %H:%M:%S")
    overdue = sum(1 for assigned, first, _l in rows if first is None and assigned < week_ago)
    assert overdue < len(rows) * 0.1


def test_history_is_consistent(frozen):
    demo_data.generate(None, N)
    now = NOW.strftime("%Y-%m-%d %H:%M:%S")
    # no balance below zero, and no lot gives more than it holds
    assert q("SELECT customer_id FROM points_entry GROUP BY customer_id HAVING SUM(points) < 0") == []
    assert q("SELECT a.lot_id FROM points_allocation a JOIN points_entry l ON l.id = a.lot_id "
             "GROUP BY a.lot_id HAVING SUM(a.points) > MAX(l.points)") == []
    # every redemption and expiry is fully allocated to lots of the same customer
    assert q("SELECT e.id FROM points_entry e LEFT JOIN points_allocation a ON a.entry_id = e.id "
             "LEFT JOIN points_entry l ON l.id = a.lot_id WHERE e.kind IN ('redeem', 'expire') "
             "GROUP BY e.id HAVING COALESCE(SUM(a.points), 0) <> -MAX(e.points) "
             "OR MIN(l.customer_id) <> MAX(e.customer_id) OR MAX(l.customer_id) <> MAX(e.customer_id)") == []
    assert scalar("SELECT COUNT(*) FROM points_entry WHERE kind = 'redeem'") > 0
    assert q("SELECT customer_id, once_key FROM points_entry WHERE once_key IS NOT NULL "
             "GROUP BY 1, 2 HAVING COUNT(*) > 1") == []
    # complaint histories run from received to the complaint's state, each step from the last
    history: dict[int, list[tuple]] = {}
    for complaint_id, from_status, to_status, at in q(
            "SELECT complaint_id, from_status, to_status, at FROM complaint_state_change ORDER BY id"):
        history.setdefault(complaint_id, []).append((from_status, to_status, at))
    for complaint_id, status, received_at, resolved_at, closed_at, satisfaction in q(
            "SELECT id, status, received_at, resolved_at, closed_at, satisfaction FROM complaint"):
        steps = history[complaint_id]
        assert steps[0][:2] == (None, "received") and steps[0][2] == received_at
        assert steps[-1][1] == status
        assert all(a[1] == b[0] for a, b in zip(steps, steps[1:]))
        assert all(a[2] <= b[2] <= now for a, b in zip(steps, steps[1:]))
        assert (resolved_at is not None) == (status in ("resolved", "verified", "closed"))
        assert (closed_at is not None) == (status == "closed")
        if status == "verified":
            assert satisfaction is not None
    # callbacks: done ones carry a result, open ones none; nothing done in the future
    assert q("SELECT id FROM callback WHERE status = 'done' AND (done_at IS NULL OR outcome IS NULL "
             "OR done_at > ?)", now) == []
    assert q("SELECT id FROM callback WHERE status <> 'done' AND (done_at IS NOT NULL OR outcome IS NOT NULL)") == []
    assert q("SELECT id FROM callback WHERE status = 'done' AND outcome = 'reached' AND satisfaction IS NULL") == []
    assert scalar("SELECT COUNT(*) FROM callback WHERE status = 'open' AND due_at < ?", now) > 0   # overdue
    assert scalar("SELECT COUNT(*) FROM callback WHERE status = 'open' AND due_at >= ?", now) > 0
    assert scalar("SELECT COUNT(*) FROM callback WHERE status = 'open' AND date(due_at) = date(?)", now) > 0
    assert q("SELECT c.id FROM callback c JOIN customer k ON k.id = c.customer_id WHERE c.due_at < k.created_at") == []
    # the attempt log of a callback ends with its outcome
    assert q("SELECT a.callback_id FROM callback_attempt a JOIN callback c ON c.id = a.callback_id "
             "WHERE c.status = 'done' AND a.id = (SELECT MAX(id) FROM callback_attempt WHERE callback_id = c.id) "
             "AND a.outcome <> c.outcome") == []
    # every stored time is naive local time to the second
    for table, column in (("customer", "created_at"), ("callback", "due_at"), ("points_entry", "created_at"),
                          ("enquiry", "created_at"), ("complaint", "received_at"), ("harassing_call", "at")):
        assert all(DATETIME.match(v) for (v,) in q(f'SELECT {column} FROM "{table}"')), (table, column)


def test_database_checks_pass_and_one_audit_entry(frozen):
    demo_data.generate(None, N)
    if dbmod.is_sqlite():     # PostgreSQL checks its foreign keys on every write
        assert q("PRAGMA integrity_check") == [("ok",)]
        assert q("PRAGMA foreign_key_check") == []
    demo = list(AuditEntry.select().where(AuditEntry.action == "demo_data_generated"))
    assert len(demo) == 1
    assert '"customers":200' in demo[0].details
    # no audit entry per row: only the generation and the reference set-up
    assert AuditEntry.select().count() < 10
    from desktop_cs.services import audit
    assert audit.verify_chain().ok
    # the schema is whole again: every index of the migration is back
    if dbmod.is_sqlite():
        names = {r[0] for r in q("SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
        assert scalar("SELECT COUNT(*) FROM sqlite_temp_master WHERE type = 'table'") == 0
    else:
        names = {r[0] for r in q("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
    assert {"callback_desk", "points_entry_reference", "customer_live_mobile", "enquiry_created_at"} <= names


def test_demo_users_sign_in_with_the_demo_password(frozen):
    summary = demo_data.generate(None, N, password="secret-demo")
    logins = {u.login: u for u in User.select()}
    assert set(logins) == {"supervisor", "specialist1", "specialist2", "specialist3"}
    assert summary.users_created == 4
    assert logins["supervisor"].role == "supervisor"
    assert all(re.fullmatch(r"[\u4e00-\u9fff]{2,4}", u.display_name) for u in logins.values())
    assert users.authenticate("specialist2", "secret-demo").login == "specialist2"
    # the customers are spread over the specialists
    per = dict(q("SELECT assigned_to_id, COUNT(*) FROM customer WHERE assigned_to_id IS NOT NULL GROUP BY 1"))
    assert set(per) == {logins[f"specialist{i}"].id for i in (1, 2, 3)}


def _customers() -> list[tuple]:
    return q("SELECT id, name, mobile, id_number, email, im_id, customer_type, tier_id, source, created_at, "
             "assigned_to_id FROM customer ORDER BY id")


def test_same_seed_same_data(frozen, tmp_path):
    demo_data.generate(None, 120, seed=5)
    first = _customers()
    first_points = q("SELECT customer_id, kind, points, created_at FROM points_entry ORDER BY id")
    dbmod.close_database()
    open_app_database(tmp_path / "second.sqlite3")
    demo_data.generate(None, 120, seed=5)
    assert _customers() == first
    assert q("SELECT customer_id, kind, points, created_at FROM points_entry ORDER BY id") == first_points
    dbmod.close_database()
    open_app_database(tmp_path / "third.sqlite3")
    demo_data.generate(None, 120, seed=6)
    assert [r[1:4] for r in _customers()] != [r[1:4] for r in first]


def test_refuses_a_second_run(frozen):
    demo_data.generate(None, 30)
    boss = User.get(User.login == "supervisor")
    with pytest.raises(ServiceError):
        demo_data.generate(boss, 30)
    assert Customer.select().count() == 30
    assert AuditEntry.select().where(AuditEntry.action == "demo_data_generated").count() == 1


def test_a_specialist_is_refused_when_users_exist(specialist):
    clock.freeze(NOW)
    with pytest.raises(PermissionDenied):
        demo_data.generate(specialist, 30)
    assert Customer.select().count() == 0
    assert AuditEntry.select().where(AuditEntry.action == "permission_denied").count() == 1


def test_a_supervisor_fills_an_existing_team(supervisor):
    clock.freeze(NOW)
    demo_data.generate(supervisor, 40)
    assert Customer.select().count() == 40
    entry = AuditEntry.get(AuditEntry.action == "demo_data_generated")
    assert entry.user_id == supervisor.id
    assert User.get(User.login == "boss").role == "supervisor"      # the existing account is untouched
    assert team_settings.get(team_settings.COMPANY_NAME) == "测试公司"   # and so is the company name


def test_without_users_anyone_may_run_it(frozen):
    demo_data.generate(None, 10)
    entry = AuditEntry.get(AuditEntry.action == "demo_data_generated")
    assert entry.user.login == "supervisor"


@pytest.mark.parametrize("count", [0, -5, demo_data.MAX_CUSTOMERS + 1])
def test_rejects_a_bad_count(frozen, count):
    with pytest.raises(ValidationError):
        demo_data.generate(None, count)
