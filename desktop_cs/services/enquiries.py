"""The enquiry log (咨询记录): every hotline or online question recorded in seconds, and its topic list."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_cs import clock
from desktop_cs.i18n import _
from desktop_cs.models import Customer, Enquiry, EnquiryTopic, User, database
from desktop_cs.models.customer import ENQUIRY_CHANNELS, ENQUIRY_OUTCOMES
from desktop_cs.services import audit, customers, identity
from desktop_cs.services.errors import FormErrors, ValidationError
from desktop_cs.services.permissions import EDIT_SETTINGS, LOOKUP, WORK_OWN, action

MAX_SUMMARY = 2000


@dataclass
class Topic:
    """An enquiry topic as the views list it."""

    id: int
    name: str
    sort_order: int
    active: bool


def topics(include_inactive: bool = False) -> list[Topic]:
    query = EnquiryTopic.select().order_by(EnquiryTopic.sort_order, EnquiryTopic.id)
    if not include_inactive:
        query = query.where(EnquiryTopic.active == True)  # noqa: E712
    return [Topic(t.id, t.name, t.sort_order, t.active) for t in query]


@action("enquiries.save_topic", EDIT_SETTINGS)
def save_topic(actor: User, topic_id: int | None, name: str, sort_order: int = 0, active: bool = True) -> int:
    """Create or change a topic (a supervisor's list)."""
    name = (name or "").strip()
    if not name or len(name) > 32:
        raise ValidationError(_("A topic name has 1 to 32 characters."), "name")
    with database.atomic():
        clash = EnquiryTopic.select().where(EnquiryTopic.name == name)
        if topic_id:
            clash = clash.where(EnquiryTopic.id != topic_id)
        if clash.exists():
            raise ValidationError(_("This topic exists already."), "name")
        new = {"name": name, "sort_order": sort_order, "active": bool(active)}
        if topic_id:
            old = EnquiryTopic.get_or_none(EnquiryTopic.id == topic_id)
            if old is None:
                raise ValidationError(_("This topic does not exist any more."), "name")
            changes = {k: [getattr(old, k), v] for k, v in new.items() if getattr(old, k) != v}
            EnquiryTopic.update(name=name, sort_order=sort_order, active=active).where(
                EnquiryTopic.id == topic_id).execute()
        else:
            topic_id = EnquiryTopic.create(name=name, sort_order=sort_order, active=active).id
            changes = {k: [None, v] for k, v in new.items()}
        audit.record(actor, "enquiry_topic_saved", entity="enquiry_topic", entity_id=topic_id, summary=name,
                     details={"changes": changes})
        return topic_id


@action("enquiries.record", WORK_OWN)
def record(actor: User, *, channel: str, topic_id: int, summary: str, outcome: str = "resolved",
           customer_id: int | None = None, caller_number: str = "") -> int:
    """Record one enquiry, for a customer or for a bare caller number; anyone may take the call."""
    errors = {}
    if channel not in ENQUIRY_CHANNELS:
        errors["channel"] = _("Choose the channel.")
    if outcome not in ENQUIRY_OUTCOMES:
        errors["outcome"] = _("Choose whether it was resolved or handed on.")
    summary = (summary or "").strip()
    if not summary:
        errors["summary"] = _("Write what the customer asked and what you answered.")
    elif len(summary) > MAX_SUMMARY:
        errors["summary"] = _("The summary is too long: {n} characters at most.").format(n=MAX_SUMMARY)
    if not EnquiryTopic.select().where(EnquiryTopic.id == topic_id).exists():
        errors["topic"] = _("Choose the topic.")
    number = None
    if customer_id is None:
        raw = (caller_number or "").strip()
        if not raw:
            errors["caller_number"] = _("Choose a customer or enter the caller's number.")
        else:
            digits = identity.ascii_digits(raw).replace(" ", "").replace("-", "")
            if not digits.lstrip("+").isdigit() or not 3 <= len(digits.lstrip("+")) <= 20:
                errors["caller_number"] = _("A phone number has 3 to 20 digits.")
            number = digits
    elif not Customer.select().where(Customer.id == customer_id).exists():
        errors["customer"] = _("Customer {id} does not exist.").format(id=customer_id)
    if errors:
        raise FormErrors(errors)
    with database.atomic():
        now = clock.now()
        enquiry = Enquiry.create(customer=customer_id, caller_number=number, channel=channel, topic=topic_id,
                                 summary=summary, outcome=outcome, handled_by=actor, created_at=now)
        if customer_id:
            customers.note_contact(customer_id, actor.id, now)
        audit.record(actor, "enquiry_recorded", entity="enquiry", entity_id=enquiry.id, customer_id=customer_id,
                     summary=summary[:80])
        return enquiry.id


@dataclass
class EnquiryRow:
    """An enquiry as lists and the timeline show it."""

    id: int
    at: dt.datetime
    channel: str
    topic: str
    summary: str
    outcome: str
    handled_by: str


@action("enquiries.for_customer", LOOKUP)
def for_customer(actor: User, customer_id: int) -> list[EnquiryRow]:
    from desktop_cs.services import labels
    rows = (Enquiry.select(Enquiry, EnquiryTopic.name, User.display_name).join(EnquiryTopic).switch(Enquiry)
            .join(User).where(Enquiry.customer == customer_id).order_by(Enquiry.created_at.desc()))
    return [EnquiryRow(e.id, e.created_at, labels.label(labels.ENQUIRY_CHANNELS, e.channel), e.topic.name,
                       e.summary, labels.label(labels.ENQUIRY_OUTCOMES, e.outcome), e.handled_by.display_name)
            for e in rows]
