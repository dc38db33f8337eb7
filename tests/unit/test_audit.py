"""The audit log: masking as a safety net, the PostgreSQL chain lock, verification and the supervisors' browser."""
from __future__ import annotations

import datetime as dt

import peewee as pw
import pytest

from desktop_cs import clock
from desktop_cs.models import AuditEntry, database
from desktop_cs.services import audit
from desktop_cs.services.errors import PermissionDenied
from desktop_cs.services.masking import scrub, scrub_text
from tests.db_tools import drop_guards, raw


@pytest.mark.parametrize("text, expected", [
    ("客户13812345678来电", "客户138****5678来电"),
    ("+86 138 1234 5678", "138****5678"),
    ("ID 11010519491231002X", "ID 1101**********002X"),
    ("sha ab13812345678cd", "sha ab13812345678cd"),            # part of a longer token: not a number
    ("order 1381234567890", "order 1381234567890"),
    ("0755-88889999", "0755-88889999"),
])
def test_scrub_masks_numbers_standing_alone(text, expected):
    assert scrub_text(text) == expected


def test_scrub_walks_details():
    assert scrub({"changes": {"memo": ["", "回电13812345678"]}, "n": 13812345678}) == \
        {"changes": {"memo": ["", "回电138****5678"]}, "n": 13812345678}


def test_record_masks_full_numbers_left_in_free_text(supervisor):
    entry = audit.record(supervisor, "enquiry_recorded", summary="客户 13812345678 问提现",
                         details={"note": "身份证 110105194912310021"})
    stored = AuditEntry.get_by_id(entry.id)
    assert "13812345678" not in stored.summary and "110105194912310021" not in stored.details
    assert audit.verify_chain().ok


@pytest.mark.sqlite_only
def test_append_takes_the_postgres_advisory_lock_inside_the_transaction(supervisor, monkeypatch):
    seen = []
    real = database.obj.execute_sql

    def spy(sql, params=None, *args, **kwargs):
        if "pg_advisory_xact_lock" in sql:
            seen.append((sql, params, database.in_transaction()))
            return None
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", spy)
    audit.record(supervisor, "test")
    assert seen == []                                   # SQLite: BEGIN IMMEDIATE holds the lock already
    monkeypatch.setattr(audit, "_is_postgres", lambda: True)
    audit.record(supervisor, "test")
    assert seen == [("SELECT pg_advisory_xact_lock(%s)", (audit.CHAIN_LOCK_KEY,), True)]


@pytest.mark.sqlite_only
def test_not_postgres_on_sqlite(db):
    assert isinstance(database.obj, pw.SqliteDatabase) and not audit._is_postgres()


def test_verify_action_logs_its_result_and_names_the_broken_entry(supervisor, specialist, db):
    report = audit.verify(supervisor)
    assert report.ok and report.checked >= 3
    assert AuditEntry.select().order_by(AuditEntry.id.desc()).first().action == "audit_verified"
    victim = AuditEntry.select().order_by(AuditEntry.id).offset(1).first()
    drop_guards(db, "audit_entry")
    raw(db, "UPDATE audit_entry SET user_name = 'someone' WHERE id = ?", (victim.id,))
    broken = audit.verify(supervisor)
    assert broken.first_broken_id == victim.id and broken.broken_action == victim.action
    with pytest.raises(PermissionDenied):
        audit.verify(specialist)


def test_search_filters_pages_and_is_for_supervisors(supervisor, specialist):
    clock.freeze(dt.datetime(2026, 11, 2, 9, 0))
    for i in range(5):
        audit.record(specialist, "customer_created", entity="customer", entity_id=100 + i, customer_id=100 + i,
                     summary=f"客户{i}")
    clock.freeze(dt.datetime(2026, 11, 5, 9, 0))
    audit.record(supervisor, "customer_updated", entity="customer", entity_id=101, customer_id=101,
                 details={"changes": {"name": ["客户1", "客户一"]}})

    everything = audit.search(supervisor, audit.AuditQuery())
    assert everything.total == AuditEntry.select().count() and everything.rows[0].action == "customer_updated"
    assert everything.rows[0].action_label == audit.action_label("customer_updated")
    assert "客户一" in everything.rows[0].details

    by_user = audit.search(supervisor, audit.AuditQuery(user_id=specialist.id, action="customer_created"))
    assert by_user.total == 5 and {r.user for r in by_user.rows} == {"李专员"}
    by_customer = audit.search(supervisor, audit.AuditQuery(customer_id=101))
    assert [r.action for r in by_customer.rows] == ["customer_updated", "customer_created"]
    period = audit.search(supervisor, audit.AuditQuery(date_from=dt.date(2026, 11, 5), date_to=dt.date(2026, 11, 5)))
    assert [r.action for r in period.rows] == ["customer_updated"]
    page = audit.search(supervisor, audit.AuditQuery(action="customer_created"), offset=2, limit=2)
    assert page.total == 5 and [r.entity_id for r in page.rows] == [102, 101]
    assert audit.search(supervisor, audit.AuditQuery(text="客户3")).total == 1

    choices = audit.filter_choices(supervisor)
    assert (specialist.id, "李专员") in choices.users
    assert ("customer_created", audit.action_label("customer_created")) in choices.actions

    with pytest.raises(PermissionDenied):
        audit.search(specialist, audit.AuditQuery())
    with pytest.raises(PermissionDenied):
        audit.filter_choices(specialist)


def test_setting_edits_are_logged_before_and_after(supervisor):
    import json

    from desktop_cs.services import calendar, enquiries
    day = dt.date(2026, 12, 31)
    calendar.save_override(supervisor, day, False, "公司假日")
    calendar.save_override(supervisor, day, True, "补班")
    calendar.delete_override(supervisor, day)
    saved = [json.loads(e.details)["changes"] for e in AuditEntry.select().where(
        AuditEntry.action == "calendar_override_saved").order_by(AuditEntry.id)]
    assert saved[1] == {"is_workday": [False, True], "note": ["公司假日", "补班"]}
    deleted = json.loads(AuditEntry.get(AuditEntry.action == "calendar_override_deleted").details)
    assert deleted["changes"]["note"] == ["补班", None]
    topic = enquiries.save_topic(supervisor, None, "理财咨询", 9)
    enquiries.save_topic(supervisor, topic, "理财产品", 9)
    last = AuditEntry.select().where(AuditEntry.action == "enquiry_topic_saved").order_by(AuditEntry.id.desc()).get()
    assert json.loads(last.details)["changes"] == {"name": ["理财咨询", "理财产品"]}


def test_first_contacts_and_session_events_are_logged(supervisor, specialist):
    from desktop_cs.services import assignment, customers, users
    from desktop_cs.services.customers import CustomerInput
    cid = customers.create_customer(supervisor, CustomerInput(name="张三"))
    assignment.assign(supervisor, [cid], specialist.id)
    entry = AuditEntry.get(AuditEntry.action == "first_contacts_created")
    assert entry.customer_id == cid and '"created":1' in entry.details
    users.note_session(specialist, "screen_locked")
    users.note_session(specialist, "sign_out")
    assert [e.action for e in AuditEntry.select().order_by(AuditEntry.id.desc()).limit(2)] == [
        "sign_out", "screen_locked"]
    with pytest.raises(Exception):
        users.note_session(specialist, "anything")
