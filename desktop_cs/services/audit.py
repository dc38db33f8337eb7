"""The audit trail: append an entry to the hash chain, verify the chain, and search it (supervisors)."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import N_, _
from desktop_cs.models import AuditEntry, User, database
from desktop_cs.services.masking import scrub, scrub_text
from desktop_cs.services.permissions import AUDIT, action

GENESIS = "0" * 64
#: the PostgreSQL advisory lock key of the chain's tail (any fixed 64-bit number; "audit" in ASCII)
CHAIN_LOCK_KEY = 0x6175646974
PAGE_SIZE = 200

#: what the audit browser calls each action; an action missing here shows its code
ACTION_LABELS: dict[str, str] = {
    "sign_in": N_("Signed in"), "sign_in_failed": N_("Sign-in failed"), "sign_out": N_("Signed out"),
    "screen_locked": N_("Screen locked (idle)"), "permission_denied": N_("Refused: no permission"),
    "user_created": N_("User created"), "user_updated": N_("User edited"),
    "user_deactivated": N_("User deactivated"), "user_reactivated": N_("User reactivated"),
    "password_reset": N_("Password reset"), "password_changed": N_("Password changed"),
    "audit_verified": N_("Audit log verified"),
    "customer_created": N_("Customer recorded"), "customer_updated": N_("Customer edited"),
    "customer_deleted": N_("Customer deleted"), "customer_restored": N_("Customer restored"),
    "customer_erased": N_("Personal data erased"), "customer_merged": N_("Customers merged"),
    "customer_assigned": N_("Customer assigned"), "handover": N_("Portfolio handed over"),
    "unmask": N_("Full number shown"),
    "enquiry_recorded": N_("Enquiry recorded"), "enquiry_topic_saved": N_("Enquiry topic saved"),
    "tier_saved": N_("Tier saved"), "setting_changed": N_("Setting changed"),
    "reference_data_seeded": N_("Reference lists created"),
    "callback_scheduled": N_("Callback scheduled"), "callback_recorded": N_("Callback result recorded"),
    "callback_rescheduled": N_("Callback rescheduled"), "callback_reassigned": N_("Callback reassigned"),
    "callback_cancelled": N_("Callback cancelled"), "callback_moved": N_("Callback moved by a merge"),
    "callback_rule_saved": N_("Callback rule saved"), "campaign_created": N_("Campaign created"),
    "periodic_care_run": N_("Periodic care callbacks created"),
    "calendar_override_saved": N_("Calendar day saved"), "calendar_override_deleted": N_("Calendar day removed"),
    "handover_written": N_("Handover note written"), "handover_acknowledged": N_("Handover note taken over"),
    "complaint_received": N_("Complaint received"), "complaint_in_progress": N_("Complaint in progress"),
    "complaint_responded": N_("Complaint: customer contacted"), "complaint_escalated": N_("Complaint escalated"),
    "complaint_resolved": N_("Complaint resolved"), "complaint_verified": N_("Complaint verified"),
    "complaint_closed": N_("Complaint closed"), "complaint_closed_override": N_("Complaint closed by override"),
    "complaint_reopened": N_("Complaint reopened"), "complaint_edited": N_("Complaint edited"),
    "complaint_reassigned": N_("Complaint reassigned"), "complaint_compensation": N_("Compensation recorded"),
    "complaint_moved": N_("Complaint moved by a merge"), "enquiry_moved": N_("Enquiry moved by a merge"),
    "harassing_marked": N_("Number marked as harassing"), "harassing_unmarked": N_("Harassing mark removed"),
    "harassing_call_logged": N_("Harassing call logged"),
    "points_awarded": N_("Points awarded"), "points_redeemed": N_("Points redeemed"),
    "points_reversed": N_("Points entry reversed"), "points_expired": N_("Points expired"),
    "points_adjustment_requested": N_("Points adjustment requested"),
    "points_adjustment_approved": N_("Points adjustment approved"),
    "points_adjustment_rejected": N_("Points adjustment rejected"), "points_rule_changed": N_("Points rule changed"),
    "demo_data_generated": N_("Demo data generated"),
    "first_contacts_created": N_("First-contact callbacks created"),
    "complaint_category_saved": N_("Complaint category saved"), "root_cause_saved": N_("Root cause saved"),
    "severity_target_saved": N_("Complaint deadlines saved"),
    "print": N_("Printed"), "print_full_values": N_("Printed with full numbers"),
    "data_exported": N_("Data exported"), "customers_imported": N_("Customers imported"),
    "backup_made": N_("Backup made"), "backup_settings_changed": N_("Backup settings changed"),
    "database_restored": N_("Database restored from a backup"),
}


def action_label(code: str) -> str:
    """The audit action CODE in words (the code itself when it has no label)."""
    label = ACTION_LABELS.get(code)
    return _(label) if label else code


def canonical_text(entry: dict[str, Any]) -> str:
    """The text an entry's hash is computed over: JSON, sorted keys, ISO times, integers.

    It names no database type, so the chain survives a move to another database.
    """
    return json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _payload(at, user_id, user_name, action, entity, entity_id, customer_id, summary, details, prev_hash) -> dict:
    return {
        "at": at.isoformat(timespec="seconds"), "user_id": user_id, "user_name": user_name,
        "action": action, "entity": entity, "entity_id": entity_id, "customer_id": customer_id,
        "summary": summary, "details": details, "prev_hash": prev_hash,
    }


def chain_hash(payload: dict) -> str:
    return hashlib.sha256(canonical_text(payload).encode("utf-8")).hexdigest()


def _is_postgres() -> bool:
    return isinstance(database.obj, pw.PostgresqlDatabase)


def _lock_chain() -> None:
    """Hold the chain's tail until the transaction ends, so two copies of the program never fork it.

    On SQLite the write transaction (BEGIN IMMEDIATE) holds the database's write lock
    already; on PostgreSQL two transactions could read the same last hash, so a
    transaction-scoped advisory lock serialises the appends (released at commit/rollback).
    """
    if _is_postgres():
        database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (CHAIN_LOCK_KEY,))


def record(actor: User | None, action: str, *, entity: str = "", entity_id: int | None = None,
           customer_id: int | None = None, summary: str = "", details: dict | None = None,
           user_name: str | None = None) -> AuditEntry:
    """Append one audit entry. Call inside the write's transaction; opens its own otherwise.

    The chain's tail is read and appended under the write lock (``_lock_chain``), so the
    append cannot interleave with another copy of the program. Pass ID and mobile numbers
    masked; as a safety net, any full mobile or ID number left in SUMMARY or DETAILS
    (e.g. typed into a free-text field) is masked here before it is stored.
    """
    summary = scrub_text(summary or "")
    with database.atomic():
        _lock_chain()
        last = AuditEntry.select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1).first()
        prev_hash = last.hash if last else GENESIS
        details_text = canonical_text(scrub(details or {}))
        at = clock.now()
        name = user_name if user_name is not None else (actor.login if actor else "")
        name = scrub_text(name)[:64]
        payload = _payload(at, actor.id if actor else None, name, action, entity, entity_id,
                           customer_id, summary, details_text, prev_hash)
        return AuditEntry.create(at=at, user=actor, user_name=name, action=action, entity=entity,
                                 entity_id=entity_id, customer_id=customer_id, summary=summary,
                                 details=details_text, prev_hash=prev_hash, hash=chain_hash(payload))


# -- verifying -------------------------------------------------------------------------------------

@dataclass
class ChainReport:
    """The result of verifying the audit chain."""

    checked: int
    first_broken_id: int | None
    #: the broken entry's time and action, to name it to the user
    broken_at: dt.datetime | None = None
    broken_action: str = ""

    @property
    def ok(self) -> bool:
        return self.first_broken_id is None


def verify_chain() -> ChainReport:
    """Recompute every entry's hash in order; name the first entry that does not match."""
    prev = GENESIS
    count = 0
    query = AuditEntry.select().order_by(AuditEntry.id).tuples().iterator()
    fields = [f.name for f in AuditEntry._meta.sorted_fields]
    for row in query:
        values = dict(zip(fields, row))
        count += 1
        at = values["at"]
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        payload = _payload(at, values["user"], values["user_name"], values["action"], values["entity"],
                           values["entity_id"], values["customer_id"], values["summary"], values["details"],
                           values["prev_hash"])
        if values["prev_hash"] != prev or chain_hash(payload) != values["hash"]:
            return ChainReport(count, values["id"], at if isinstance(at, dt.datetime) else None,
                               str(values["action"]))
        prev = values["hash"]
    return ChainReport(count, None)


@action("audit.verify", AUDIT)
def verify(actor: User) -> ChainReport:
    """Verify the whole chain (Tools → Verify audit log); the check itself is logged with its result."""
    report = verify_chain()
    record(actor, "audit_verified", entity="audit", entity_id=report.first_broken_id,
           summary="ok" if report.ok else f"broken at {report.first_broken_id}",
           details={"checked": report.checked, "first_broken_id": report.first_broken_id})
    return report


# -- browsing (supervisors) ------------------------------------------------------------------------

@dataclass
class AuditQuery:
    """The audit browser's filters; they combine. Dates are inclusive days."""

    user_id: int | None = None
    customer_id: int | None = None
    action: str | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    #: words in the summary (already masked in the log)
    text: str = ""


@dataclass
class AuditRow:
    """One audit entry as the browser lists it (numbers in it were masked when it was written)."""

    id: int
    at: dt.datetime
    user: str
    action: str
    action_label: str
    entity: str
    entity_id: int | None
    customer_id: int | None
    summary: str
    details: str


@dataclass
class AuditPage:
    """One page of the search and the number of entries matching in all."""

    rows: list[AuditRow]
    total: int
    offset: int
    limit: int


@dataclass
class AuditFilterChoices:
    """What the browser's filter lists offer: staff members (also deactivated) and the actions in the log."""

    users: list[tuple[int, str]] = field(default_factory=list)
    actions: list[tuple[str, str]] = field(default_factory=list)


def _where(q: AuditQuery) -> list[pw.Expression]:
    conditions: list[pw.Expression] = []
    if q.user_id is not None:
        conditions.append(AuditEntry.user == q.user_id)
    if q.customer_id is not None:
        conditions.append(AuditEntry.customer_id == q.customer_id)
    if q.action:
        conditions.append(AuditEntry.action == q.action)
    if q.date_from is not None:
        conditions.append(AuditEntry.at >= dt.datetime.combine(q.date_from, dt.time()))
    if q.date_to is not None:
        conditions.append(AuditEntry.at < dt.datetime.combine(q.date_to + dt.timedelta(days=1), dt.time()))
    text = (q.text or "").strip()
    if text:
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        conditions.append(pw.Expression(AuditEntry.summary, pw.OP.ILIKE, pw.NodeList(
            (pw.Value(f"%{escaped}%"), pw.SQL("ESCAPE '\\'")), glue=" ")))
    return conditions


def _details_text(details: str) -> str:
    """The stored JSON as a short readable line (keys sorted, before → after pairs kept as they are)."""
    try:
        value = json.loads(details or "{}")
    except ValueError:
        return details or ""
    if not value:
        return ""
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


@action("audit.search", AUDIT)
def search(actor: User, query: AuditQuery, offset: int = 0, limit: int = PAGE_SIZE) -> AuditPage:
    """One page of audit entries matching QUERY, newest first, with the total count."""
    limit = max(1, min(int(limit), 1000))
    offset = max(0, int(offset))
    where = _where(query)
    total = AuditEntry.select(pw.fn.COUNT(AuditEntry.id)).where(*where).scalar() if where else \
        AuditEntry.select(pw.fn.COUNT(AuditEntry.id)).scalar()
    names = dict(User.select(User.id, User.display_name).tuples())
    select = AuditEntry.select()
    if where:
        select = select.where(*where)
    rows = [AuditRow(e.id, e.at, names.get(e.user_id, e.user_name) if e.user_id else e.user_name, e.action,
                     action_label(e.action), e.entity, e.entity_id, e.customer_id, e.summary,
                     _details_text(e.details))
            for e in select.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)]
    return AuditPage(rows, total or 0, offset, limit)


@action("audit.filter_choices", AUDIT)
def filter_choices(actor: User) -> AuditFilterChoices:
    """The staff members and the actions the filters offer (actions present in the log, in words)."""
    users = [(u.id, u.display_name if u.active else _("{name} (deactivated)").format(name=u.display_name))
             for u in User.select().order_by(User.display_name)]
    codes = [a for (a,) in AuditEntry.select(AuditEntry.action).distinct().tuples()]
    actions = sorted(((code, action_label(code)) for code in codes), key=lambda pair: pair[1])
    return AuditFilterChoices(users, actions)
