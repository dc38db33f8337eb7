"""A customer's whole story, newest first: creation, edits, assignments, callbacks, complaints, enquiries, points."""
from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from desktop_cs.i18n import N_, _
from desktop_cs.models import (Assignment, AuditEntry, Callback, Complaint, ComplaintCategory, Customer, Enquiry,
                               EnquiryTopic, PointsEntry, User)
from desktop_cs.services import customers, labels
from desktop_cs.services.permissions import LOOKUP, action

#: audit actions shown on the timeline (assignments come from their own table)
_AUDIT_ACTIONS = {
    "customer_created": N_("Customer recorded"), "customer_updated": N_("Customer edited"),
    "customer_deleted": N_("Customer deleted"), "customer_restored": N_("Customer restored"),
    "customer_erased": N_("Personal data erased"), "customer_merged": N_("Customers merged"),
    "unmask": N_("Full number shown"),
}


@dataclass
class TimelineEntry:
    """One event in a customer's history."""

    at: dt.datetime
    kind: str          # "audit", "assignment", "callback", "complaint", "enquiry", "points"
    title: str
    detail: str
    by: str
    customer_id: int   # the absorbed customer's id for history that came with a merge


def _names() -> dict[int, str]:
    return dict(User.select(User.id, User.display_name).tuples())


def _change_text(details: str) -> str:
    try:
        changes = json.loads(details).get("changes", {})
    except (ValueError, AttributeError):
        return ""
    parts = []
    for name, (before, after) in changes.items():
        label_text = labels.label(labels.CUSTOMER_FIELDS, name)
        parts.append(f"{label_text}: {before if before not in (None, '') else '—'} → "
                     f"{after if after not in (None, '') else '—'}")
    return "; ".join(parts)


def _absorbed_ids(customer_id: int) -> list[int]:
    """The customer and, transitively, every customer merged into it."""
    found, todo = [customer_id], [customer_id]
    while todo:
        children = [c.id for c in Customer.select(Customer.id).where(Customer.merged_into.in_(todo))]
        children = [c for c in children if c not in found]
        found.extend(children)
        todo = children
    return found


@action("customers.timeline", LOOKUP)
def timeline(actor, customer_id: int) -> list[TimelineEntry]:
    """Everything that happened to the customer (and to customers merged into it), newest first."""
    customers._get(customer_id)
    ids = _absorbed_ids(customer_id)
    names = _names()
    out: list[TimelineEntry] = []
    for e in AuditEntry.select().where(AuditEntry.customer_id.in_(ids) & AuditEntry.action.in_(list(_AUDIT_ACTIONS))):
        if e.action == "customer_updated":
            detail = _change_text(e.details)
        elif e.action == "unmask":
            detail = labels.label(labels.CUSTOMER_FIELDS, e.summary)
        else:
            detail = e.summary
        out.append(TimelineEntry(e.at, "audit", _(_AUDIT_ACTIONS[e.action]), detail,
                                 names.get(e.user_id, e.user_name), e.customer_id))
    for a in Assignment.select().where(Assignment.customer.in_(ids)):
        out.append(TimelineEntry(a.assigned_at, "assignment", labels.label(labels.ASSIGNMENT_REASONS, a.reason),
                                 _("to {name}").format(name=names.get(a.specialist_id, "—")),
                                 names.get(a.assigned_by_id, ""), a.customer_id))
    for c in Callback.select().where(Callback.customer.in_(ids)):
        purpose = labels.label(labels.CALLBACK_PURPOSES, c.purpose)
        if c.status == "done":
            result = " · ".join(x for x in (labels.label(labels.CALLBACK_OUTCOMES, c.outcome),
                                            labels.label(labels.SATISFACTIONS, c.satisfaction), c.opinion) if x)
            out.append(TimelineEntry(c.done_at or c.due_at, "callback", _("Callback: {purpose}").format(
                purpose=purpose), result, names.get(c.done_by_id or c.assigned_to_id, ""), c.customer_id))
        else:
            out.append(TimelineEntry(c.due_at, "callback", _("Callback planned: {purpose}").format(purpose=purpose),
                                     labels.label(labels.CALLBACK_STATUSES, c.status),
                                     names.get(c.assigned_to_id, ""), c.customer_id))
    categories = dict(ComplaintCategory.select(ComplaintCategory.id, ComplaintCategory.name).tuples())
    for c in Complaint.select().where(Complaint.customer.in_(ids)):
        out.append(TimelineEntry(c.received_at, "complaint", _("Complaint: {category}").format(
            category=categories.get(c.category_id, "")), f"{labels.label(labels.COMPLAINT_STATUSES, c.status)} · "
            f"{c.description[:80]}", names.get(c.handler_id, ""), c.customer_id))
    topics = dict(EnquiryTopic.select(EnquiryTopic.id, EnquiryTopic.name).tuples())
    for q in Enquiry.select().where(Enquiry.customer.in_(ids)):
        out.append(TimelineEntry(q.created_at, "enquiry", _("Enquiry: {topic}").format(topic=topics.get(q.topic_id, "")),
                                 f"{labels.label(labels.ENQUIRY_CHANNELS, q.channel)} · {q.summary[:80]}",
                                 names.get(q.handled_by_id, ""), q.customer_id))
    for p in PointsEntry.select().where(PointsEntry.customer.in_(ids)):
        out.append(TimelineEntry(p.created_at, "points", _("Points {kind}: {points:+d}").format(
            kind=labels.label(labels.POINTS_KINDS, p.kind), points=p.points), p.reason,
            names.get(p.created_by_id, ""), p.customer_id))
    out.sort(key=lambda e: e.at, reverse=True)
    return out
