"""The complaint log (投诉记录): intake, repeat callers, the closed loop of states, deadlines, escalation,
compensation, harassing callers, the list, My day's complaints and the figures of the analysis report.

The closed loop (001 高效的投诉处理): every complaint is accepted at once (received), worked
on (in progress), resolved with a resolution and a root cause, verified by a callback
within three days (``callbacks.schedule_complaint_verification``) and only then closed. The
verification result decides what follows (``apply_verification_result``): satisfied →
verified, it can close; average → verified, the handler closes with a note or reopens;
unsatisfied → reopened; not reached → a supervisor may close with an override reason.
Every transition is a ``ComplaintStateChange`` row (who, when, note); contacts, escalations
and compensation are history rows too, with the status unchanged.

The promised reply time (约定回复时间, 002) must be kept even when nothing is solved yet: a
contact with the customer meets the outstanding promise; an open complaint whose promise
passed without a contact is overdue (red in the list and on My day). Deadlines for the first
response and the resolution come from the severity's targets, in working hours
(``calendar.add_working_hours``: quiet hours, weekends and holidays do not count).
"""
from __future__ import annotations

import datetime as dt
import functools
import math
import operator
import statistics
from collections import Counter
from dataclasses import dataclass

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import _, ngettext
from desktop_cs.models import sql
from desktop_cs.models import (Callback, CallbackAttempt, Complaint, ComplaintCategory, ComplaintStateChange,
                               Customer, Enquiry, HarassingCall, HarassingNumber, RootCause, SeverityTarget, User,
                               database)
from desktop_cs.models.complaint import CHANNELS, COMPLAINT_STATUSES, SEVERITIES
from desktop_cs.services import audit, customers, labels, phone_numbers
from desktop_cs.services import calendar as workcal
from desktop_cs.services.errors import Conflict, FormErrors, NotFound, ValidationError
from desktop_cs.services.permissions import (ASSIGN, EDIT_SETTINGS, LOOKUP, OVERRIDE_COMPLAINT, REPORTS, UNMASK,
                                             WORK_OWN, action, allowed, require)

PAGE_SIZE = 200
#: the repeat-caller window, and how many complaints in it make the next one a repeat
REPEAT_DAYS = 30
REPEAT_COMPLAINTS = 2
#: the handler is reminded this long before a promised reply time
REMINDER_MINUTES = 30
#: "not reached after 3 attempts": a supervisor may close with an override reason
VERIFY_ATTEMPTS = 3
MAX_DESCRIPTION = 4000
MAX_NOTE = 2000
MAX_FEN = 100_000_000            # one million yuan
MAX_COMPENSATION_POINTS = 100_000
#: My day's lists are capped (their counts are exact)
DUE_LIMIT = 50

OPEN_STATES = ("received", "in_progress")
UNFINISHED = ("received", "in_progress", "resolved", "verified")
TEAM = "team"


# -- rows and results the views show -------------------------------------------------------------------

@dataclass
class ComplaintInput:
    """What the intake form sends; text as typed, checked by the service."""

    channel: str
    category_id: int | None
    severity: str
    description: str
    customer_id: int | None = None
    caller_number: str = ""
    withheld: bool = False
    promised_reply_at: dt.datetime | None = None
    #: None = the one who takes it
    handler_id: int | None = None
    #: the staff member a service-attitude complaint is about
    about_user_id: int | None = None
    #: an unknown caller becomes a prospect customer (a mobile number is stored on it)
    create_prospect: bool = False
    prospect_name: str = ""
    received_at: dt.datetime | None = None


@dataclass
class ComplaintEdit:
    """The fields of a complaint that may be corrected after intake."""

    channel: str
    category_id: int
    severity: str
    description: str
    about_user_id: int | None = None


@dataclass
class IntakeResult:
    """A recorded complaint: its id, its customer (a new prospect's), and what the desk should know."""

    complaint_id: int
    customer_id: int | None
    is_repeat: bool
    suggest_escalation: bool
    harassing: bool


@dataclass
class RepeatInfo:
    """How often a customer or a number called and complained before (the repeat-caller panel)."""

    customer_id: int | None
    customer_name: str
    number: str                   # masked
    calls_30: int                 # enquiries and complaints in the last 30 days
    calls_total: int
    complaints_30: int
    complaints_total: int
    open_complaints: int
    reopened: int                 # complaints of theirs that were reopened
    last_result: str
    last_at: dt.datetime | None
    is_repeat: bool
    suggest_escalation: bool
    harassing: bool

    @property
    def empty(self) -> bool:
        return not (self.calls_total or self.complaints_total)


@dataclass
class ComplaintQuery:
    """Filters of the complaint list; they combine."""

    #: a status code, or "open" (anything not closed)
    status: str | None = None
    category_id: int | None = None
    severity: str | None = None
    handler_id: int | None = None
    overdue: bool = False
    escalated: bool = False
    repeat: bool = False
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    customer_id: int | None = None
    #: a caller number in any form (matched exactly after normalising)
    number: str = ""


@dataclass
class ComplaintRow:
    """One line of the complaint list, masked and labelled."""

    id: int
    received_at: dt.datetime
    customer_id: int | None
    customer: str
    caller: str
    channel: str
    category: str
    severity: str
    severity_code: str
    status: str
    status_code: str
    handler_id: int
    handler: str
    promised_reply_at: dt.datetime | None
    overdue: bool
    due_soon: bool
    escalated: bool
    repeat: bool
    reopened_count: int
    first_response_breached: bool
    resolution_breached: bool
    description: str

    @property
    def breached(self) -> bool:
        return self.first_response_breached or self.resolution_breached


@dataclass
class HistoryRow:
    """One line of a complaint's history: a transition, or a note with the status unchanged."""

    at: dt.datetime
    by: str
    from_status: str
    to_status: str
    to_status_code: str
    note: str
    is_transition: bool


@dataclass
class VerificationInfo:
    """The complaint's latest verification callback."""

    callback_id: int
    status: str
    status_code: str
    due_at: dt.datetime
    assigned_to: str
    outcome: str
    satisfaction: str
    satisfaction_code: str | None
    failed_attempts: int
    not_reached: bool


@dataclass
class ComplaintDetail:
    """Everything the complaint page shows, with what ACTOR may do now."""

    id: int
    version: int
    customer_id: int | None
    customer: str
    caller: str
    channel: str
    channel_code: str
    received_at: dt.datetime
    category_id: int
    category: str
    is_attitude: bool
    severity: str
    severity_code: str
    description: str
    handler_id: int
    handler: str
    created_by: str
    about_user_id: int | None
    about_user: str
    status: str
    status_code: str
    promised_reply_at: dt.datetime | None
    promise_met_at: dt.datetime | None
    overdue: bool
    first_response_at: dt.datetime | None
    first_response_due: dt.datetime
    first_response_breached: bool
    resolution_due: dt.datetime
    resolution_breached: bool
    last_contact_at: dt.datetime | None
    is_repeat: bool
    reopened_count: int
    escalated_at: dt.datetime | None
    escalated_by: str
    escalation_reason: str
    resolution: str
    root_cause_id: int | None
    root_cause: str
    resolved_at: dt.datetime | None
    satisfaction: str
    satisfaction_code: str | None
    closed_at: dt.datetime | None
    close_override_reason: str
    compensation_text: str
    compensation_fen: int
    compensation_points: int
    history: list[HistoryRow]
    verification: VerificationInfo | None
    can_work: bool
    can_start: bool
    can_respond: bool
    can_escalate: bool
    can_resolve: bool
    can_close: bool
    close_needs_note: bool
    can_override: bool
    can_reopen: bool
    can_compensate: bool
    #: why a plain close is not possible yet ("" when it is)
    close_hint: str


@dataclass
class ResolveResult:
    """A resolution stored: the verification callback written (None: none could be, see MESSAGE)."""

    complaint_id: int
    callback_id: int | None
    message: str


@dataclass
class CompensationResult:
    """Compensation recorded; a points adjustment above the threshold waits for approval."""

    complaint_id: int
    adjustment_id: int | None
    points_status: str | None
    message: str


@dataclass
class HarassingInfo:
    """A number marked as harassing, for the warning wherever it is typed."""

    id: int
    number: str                   # masked
    reason: str
    marked_at: dt.datetime
    calls: int
    last_at: dt.datetime | None

    def warning(self) -> str:
        text = ngettext("Marked as a harassing caller ({n} call logged", "Marked as a harassing caller ({n} calls "
                        "logged", self.calls).format(n=self.calls)
        if self.last_at:
            text += _(", last {when}").format(when=self.last_at.strftime("%Y-%m-%d %H:%M"))
        text += ")"
        if self.reason:
            text += _(": {reason}").format(reason=self.reason)
        return text


@dataclass
class HarassingRow:
    """A harassing number in the supervisor's list: frequency and last time."""

    id: int
    number: str
    reason: str
    marked_by: str
    marked_at: dt.datetime
    active: bool
    calls_total: int
    calls_in_period: int
    calls_30: int
    first_at: dt.datetime | None
    last_at: dt.datetime | None


@dataclass
class HarassingCallRow:
    """One logged call from a harassing number."""

    id: int
    at: dt.datetime
    channel: str
    summary: str
    handler: str


@dataclass
class ComplaintsDue:
    """My day's complaints: escalations first, then promises overdue, promises due today, breached deadlines."""

    escalated: list[ComplaintRow]
    overdue: list[ComplaintRow]
    due_today: list[ComplaintRow]
    breached: list[ComplaintRow]
    escalated_count: int
    overdue_count: int
    due_today_count: int


@dataclass
class ComplaintReminders:
    """Promised replies falling due soon, and promises newly overdue (the reminder notice)."""

    due_soon: list[ComplaintRow]
    newly_overdue: list[ComplaintRow]

    def empty(self) -> bool:
        return not self.due_soon and not self.newly_overdue

    def text(self) -> str:
        parts = []
        if self.due_soon:
            names = "、".join(r.customer for r in self.due_soon[:3])
            parts.append(ngettext("{n} promised complaint reply due within {m} minutes: {names}",
                                  "{n} promised complaint replies due within {m} minutes: {names}",
                                  len(self.due_soon)).format(n=len(self.due_soon), m=REMINDER_MINUTES, names=names))
        if self.newly_overdue:
            names = "、".join(r.customer for r in self.newly_overdue[:3])
            parts.append(ngettext("{n} promised complaint reply is now overdue: {names}",
                                  "{n} promised complaint replies are now overdue: {names}",
                                  len(self.newly_overdue)).format(n=len(self.newly_overdue), names=names))
        return "\n".join(parts)


@dataclass
class DurationStats:
    """Hours from receipt to an event: how many, median and 90th percentile (None without data)."""

    count: int
    median_hours: float | None
    p90_hours: float | None


@dataclass
class ComplaintAnalysis:
    """The figures of the complaint analysis report for a period (plain data; the printing issue prints it)."""

    date_from: dt.date
    date_to: dt.date
    total: int
    by_category: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_severity: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    by_root_cause: list[tuple[str, int]]
    first_response: DurationStats
    resolution: DurationStats
    promises_made: int
    promises_kept: int
    promises_broken: int
    promises_pending: int
    first_response_breaches: int
    resolution_breaches: int
    breached_complaints: int
    escalations: int
    reopened: int
    repeat_complaints: int
    repeat_complainants: int
    #: (who, complaints in the period), most first, the top 20
    top_repeat_complainants: list[tuple[str, int]]
    #: service-attitude complaints per staff member complained about, most first
    attitude_by_specialist: list[tuple[str, int]]
    satisfaction: list[tuple[str, int]]
    compensation_fen: int
    compensation_points: int

    @property
    def promises_kept_ratio(self) -> float | None:
        due = self.promises_kept + self.promises_broken
        return self.promises_kept / due if due else None


@dataclass
class CategoryRow:
    """A complaint category as the lists show it."""

    id: int
    name: str
    is_attitude: bool
    sort_order: int
    active: bool


@dataclass
class RootCauseRow:
    """A root cause as the lists show it."""

    id: int
    name: str
    sort_order: int
    active: bool


@dataclass
class TargetRow:
    """A severity's deadlines in working hours, labelled."""

    severity: str
    label: str
    first_response_hours: int
    resolution_hours: int


# -- small helpers ---------------------------------------------------------------------------------------

def _dt(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _get(complaint_id: int) -> Complaint:
    """The complaint (locked until the transaction ends when read inside one on the team server)."""
    complaint = sql.for_update(Complaint.select().where(Complaint.id == complaint_id)).first()
    if complaint is None:
        raise NotFound(_("Complaint {id} does not exist.").format(id=complaint_id))
    return complaint


def _check_version(complaint: Complaint, expected_version: int | None) -> None:
    if expected_version is not None and complaint.version != expected_version:
        raise Conflict(_("Someone else changed this complaint since you opened it. Look at it again before "
                         "going on."))


def can_work(actor: User, complaint: Complaint) -> bool:
    """The handler works on their complaint; a supervisor on any."""
    return complaint.handler_id == actor.id or allowed(actor, ASSIGN)


def _check_work(actor: User, complaint: Complaint, name: str) -> None:
    if complaint.handler_id != actor.id:
        require(actor, ASSIGN, name)      # a specialist on another's complaint: refused and audited


def _text(value: str | None, limit: int, field: str, label: str, required: str | None = None) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(required, field)
    if len(text) > limit:
        raise ValidationError(_("{label} is too long: {n} characters at most.").format(label=label, n=limit), field)
    return text


def _who(complaint: Complaint) -> str:
    """The complainant as the audit log may name them (never a full number)."""
    if complaint.customer_id:
        return f"customer {complaint.customer_id}"
    return phone_numbers.masked(complaint.caller_number)


def _history(complaint: Complaint, actor: User | None, to_status: str, note: str, at: dt.datetime,
             from_status: str | None = None) -> None:
    ComplaintStateChange.create(complaint=complaint.id, from_status=from_status if from_status is not None
                                else complaint.status, to_status=to_status, at=at, by=actor or complaint.handler_id,
                                note=note)


def _save(complaint: Complaint, updates: dict, *, check_status: tuple[str, ...] | None = None) -> None:
    """Write UPDATES with the version bumped, only if nobody wrote in between (else Conflict)."""
    updates = dict(updates)
    updates[Complaint.version] = Complaint.version + 1
    where = (Complaint.id == complaint.id) & (Complaint.version == complaint.version)
    if check_status:
        where &= Complaint.status.in_(check_status)
    if not Complaint.update(updates).where(where).execute():
        raise Conflict(_("Someone else changed this complaint since you opened it. Look at it again before "
                         "going on."))


def _transition(complaint: Complaint, actor: User | None, to_status: str, note: str, updates: dict | None = None,
                at: dt.datetime | None = None, audit_action: str = "") -> None:
    """Move COMPLAINT to TO_STATUS with a history row and an audit entry (inside the caller's transaction)."""
    at = at or clock.now()
    values = dict(updates or {})
    values[Complaint.status] = to_status
    _save(complaint, values)
    _history(complaint, actor, to_status, note, at)
    audit.record(actor, audit_action or f"complaint_{to_status}", entity="complaint", entity_id=complaint.id,
                 customer_id=complaint.customer_id, summary=note[:80],
                 details={"from": complaint.status, "to": to_status})
    complaint.status = to_status
    complaint.version += 1


def _contact(complaint: Complaint, actor: User, at: dt.datetime, values: dict) -> bool:
    """A contact with the customer at AT: first response, last contact, the outstanding promise met.

    Adds the column updates to VALUES; returns whether an outstanding promise was kept.
    """
    values[Complaint.last_contact_at] = at
    if complaint.first_response_at is None:
        values[Complaint.first_response_at] = at
    kept = False
    if complaint.promised_reply_at is not None and complaint.promise_met_at is None:
        values[Complaint.promise_met_at] = at
        kept = at <= complaint.promised_reply_at
        if kept:
            values[Complaint.promises_kept] = Complaint.promises_kept + 1
    if complaint.customer_id:
        customers.note_contact(complaint.customer_id, actor.id, at)
    return kept


def _check_promise(promise: dt.datetime | None, now: dt.datetime, field: str = "promised_reply_at") -> None:
    if promise is None:
        return
    if promise < now - dt.timedelta(minutes=1):
        raise ValidationError(_("The promised reply time is in the past."), field)
    if promise > now + dt.timedelta(days=90):
        raise ValidationError(_("The promised reply time is more than 90 days away."), field)


# -- deadlines -------------------------------------------------------------------------------------------

def _targets() -> dict[str, tuple[int, int]]:
    return {t.severity: (t.first_response_hours, t.resolution_hours) for t in SeverityTarget.select()}


_FALLBACK_TARGETS = {"critical": (1, 8), "high": (2, 16), "normal": (4, 24), "low": (8, 40)}


def deadlines(received_at: dt.datetime, severity: str, cal: workcal.WorkCalendar | None = None,
              targets: dict[str, tuple[int, int]] | None = None) -> tuple[dt.datetime, dt.datetime]:
    """(first response due, resolution due) of a complaint received at RECEIVED_AT, in working hours."""
    cal = cal or workcal.snapshot()
    targets = targets if targets is not None else _targets()
    first_hours, resolution_hours = targets.get(severity) or _FALLBACK_TARGETS.get(severity, (4, 24))
    return cal.add_working_hours(received_at, first_hours), cal.add_working_hours(received_at, resolution_hours)


class _Deadlines:
    """Stored deadlines, or (rows from before they were stored) computed once per read with one calendar."""

    def __init__(self):
        self._cal: workcal.WorkCalendar | None = None
        self._targets: dict | None = None

    def of(self, received_at: dt.datetime, severity: str, first_due, resolution_due) -> tuple[dt.datetime, dt.datetime]:
        first_due, resolution_due = _dt(first_due), _dt(resolution_due)
        if first_due is not None and resolution_due is not None:
            return first_due, resolution_due
        if self._cal is None:
            self._cal, self._targets = workcal.snapshot(), _targets()
        computed = deadlines(received_at, severity, self._cal, self._targets)
        return first_due or computed[0], resolution_due or computed[1]


def _breaches(first_due: dt.datetime, resolution_due: dt.datetime, first_response_at, resolved_at, status: str,
              now: dt.datetime) -> tuple[bool, bool]:
    first = _dt(first_response_at)
    resolved = _dt(resolved_at)
    first_breached = (first or now) > first_due
    if resolved is not None:
        resolution_breached = resolved > resolution_due
    else:
        resolution_breached = status in OPEN_STATES and now > resolution_due
    return first_breached, resolution_breached


# -- intake ------------------------------------------------------------------------------------------------

def _live_customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.deleted_at or customer.merged_into_id:
        raise ValidationError(_("Customer {id} does not exist.").format(id=customer_id), "customer")
    return customer


def _active_user(user_id: int | None, field: str) -> User:
    user = User.get_or_none(User.id == user_id) if user_id else None
    if user is None or not user.active:
        raise ValidationError(_("Choose an active team member."), field)
    return user


@action("complaints.create", WORK_OWN)
def create_complaint(actor: User, data: ComplaintInput) -> IntakeResult:
    """Accept a complaint at once, from a customer or from a number alone (FormErrors names each bad field).

    An unknown caller stays a bare number, or becomes a prospect customer with CREATE_PROSPECT.
    The handler defaults to ACTOR. Two or more complaints in the last 30 days, or a reopened
    complaint, mark the new one as a repeat and suggest escalation.
    """
    now = clock.now()
    errors: dict[str, str] = {}
    number: phone_numbers.CallerNumber | None = None

    def attempt(name: str, fn):
        try:
            return fn()
        except ValidationError as exc:
            errors[exc.field or name] = exc.message
            return None

    if data.channel not in CHANNELS:
        errors["channel"] = _("Choose the channel.")
    if data.severity not in SEVERITIES:
        errors["severity"] = _("Choose the severity.")
    category = ComplaintCategory.get_or_none(ComplaintCategory.id == data.category_id) if data.category_id else None
    if category is None or not category.active:
        errors["category"] = _("Choose the category.")
    description = attempt("description", lambda: _text(data.description, MAX_DESCRIPTION, "description",
                                                       _("The description"),
                                                       _("Describe what the customer complains about.")))
    received_at = (data.received_at or now).replace(microsecond=0)
    if received_at > now + dt.timedelta(minutes=1):
        errors["received_at"] = _("The complaint cannot be received in the future.")
    if data.promised_reply_at is not None:
        attempt("promised_reply_at", lambda: _check_promise(data.promised_reply_at.replace(microsecond=0), now))
    handler = attempt("handler", lambda: _active_user(data.handler_id or actor.id, "handler"))
    about = attempt("about_user", lambda: _active_user(data.about_user_id, "about_user")) \
        if data.about_user_id else None
    customer = None
    if data.customer_id:
        customer = attempt("customer", lambda: _live_customer(data.customer_id))
    elif (data.caller_number or "").strip() or data.withheld:
        number = attempt("caller_number", lambda: phone_numbers.check_caller_number(data.caller_number,
                                                                                     data.withheld))
    else:
        errors["caller_number"] = _("Choose a customer or enter the caller's number.")
    if data.create_prospect and not data.customer_id and number is not None and number.kind == "withheld":
        errors["caller_number"] = _("A caller who withheld the number cannot become a customer: record the "
                                    "complaint with the number withheld, or choose a customer.")
    if errors:
        raise FormErrors(errors)

    with database.atomic():
        customer_id = customer.id if customer else None
        caller = None
        if customer_id is None and number is not None:
            caller = number.number
            if data.create_prospect:
                customer_id = _prospect(actor, number, data.prospect_name, data.channel)
                caller = None
        repeat = repeat_caller(actor, customer_id=customer_id, number=caller) if (customer_id or (
            caller and caller != phone_numbers.WITHHELD)) else None
        first_due, resolution_due = deadlines(received_at, data.severity)
        promise = data.promised_reply_at.replace(microsecond=0) if data.promised_reply_at else None
        complaint = Complaint.create(
            customer=customer_id, caller_number=caller, channel=data.channel, received_at=received_at,
            category=category.id, severity=data.severity, description=description, handler=handler.id,
            created_by=actor.id, promised_reply_at=promise, status="received",
            is_repeat=bool(repeat and repeat.is_repeat), first_response_due=first_due,
            resolution_due=resolution_due, promises_made=1 if promise else 0,
            about_user=about.id if about else None)
        note = _("Complaint received.")
        if promise:
            note += " " + _("Reply promised by {when}.").format(when=promise.strftime("%Y-%m-%d %H:%M"))
        ComplaintStateChange.create(complaint=complaint.id, from_status=None, to_status="received", at=now,
                                    by=actor.id, note=note)
        audit.record(actor, "complaint_received", entity="complaint", entity_id=complaint.id,
                     customer_id=customer_id, summary=description[:80],
                     details={"channel": data.channel, "category": category.id, "severity": data.severity,
                              "handler": handler.id, "caller": phone_numbers.masked(caller),
                              "repeat": bool(repeat and repeat.is_repeat)})
    return IntakeResult(complaint.id, customer_id, bool(repeat and repeat.is_repeat),
                        bool(repeat and repeat.suggest_escalation), is_harassing(caller or ""))


def _prospect(actor: User, number: phone_numbers.CallerNumber, name: str, channel: str) -> int:
    """Turn an unknown caller into a prospect customer (a mobile is stored as the customer's mobile)."""
    name = (name or "").strip() or _("Caller {number}").format(number=phone_numbers.masked(number.number))
    memo = "" if number.kind == "mobile" else _("Caller's number: {number}").format(number=number.number)
    source = {"hotline": "hotline", "im": "online_chat", "web_chat": "online_chat", "visit": "visit"}.get(
        channel, "other")
    try:
        return customers.create_customer(actor, customers.CustomerInput(
            name=name, mobile=number.number if number.kind == "mobile" else "", customer_type="prospect",
            source=source, memo=memo))
    except FormErrors as exc:
        raise FormErrors({("prospect_name" if key == "name" else "caller_number"): message
                          for key, message in exc.errors.items()}) from None
    except ValidationError as exc:
        raise ValidationError(exc.message, "prospect_name" if exc.field == "name" else "caller_number") from None


# -- repeat callers ---------------------------------------------------------------------------------------

def _numbers_of(customer: Customer | None, number: str | None) -> list[str]:
    forms: list[str] = []
    for value in ((customer.mobile if customer else None), number):
        for form in phone_numbers.variants(value):
            if form not in forms:
                forms.append(form)
        if value and len(value) == 11 and value.startswith("1") and value.isdigit():
            forms.append("+86" + value)
    return forms


def _either(customer_column: pw.Field, number_column: pw.Field, customer_id: int | None, numbers: list[str]):
    conditions = []
    if customer_id:
        conditions.append(customer_column == customer_id)
    if numbers:
        conditions.append(number_column.in_(numbers))
    return functools.reduce(operator.or_, conditions) if conditions else None


@action("complaints.repeat_caller", LOOKUP)
def repeat_caller(actor: User, customer_id: int | None = None, number: str | None = None) -> RepeatInfo:
    """How often this customer or number called (enquiries and complaints) and complained before: in the last
    30 days and in all, open complaints, reopened ones and the last result. A number that belongs to a live
    customer counts that customer's history too. Two indexed look-ups, a few milliseconds on 100,000 customers."""
    customer = Customer.get_or_none(Customer.id == customer_id) if customer_id else None
    canonical = phone_numbers.canonical(number) if number else None
    if canonical == phone_numbers.WITHHELD:
        canonical = None
    if customer is None and canonical and len(canonical) == 11 and canonical.startswith("1"):
        customer = (Customer.select().where((Customer.mobile == canonical) & Customer.deleted_at.is_null()
                                            & Customer.merged_into.is_null()).first())
    numbers = _numbers_of(customer, canonical)
    cid = customer.id if customer else None
    since = clock.now() - dt.timedelta(days=REPEAT_DAYS)
    complaints_where = _either(Complaint.customer, Complaint.caller_number, cid, numbers)
    enquiries_where = _either(Enquiry.customer, Enquiry.caller_number, cid, numbers)
    masked = phone_numbers.masked(canonical) if canonical else (
        phone_numbers.masked(customer.mobile) if customer and customer.mobile else "")
    if complaints_where is None:
        return RepeatInfo(None, "", masked, 0, 0, 0, 0, 0, 0, "", None, False, False, False)
    total, recent, open_count, reopened = (Complaint.select(
        pw.fn.COUNT(Complaint.id),
        pw.fn.SUM(pw.Case(None, [(Complaint.received_at >= since, 1)], 0)),
        pw.fn.SUM(pw.Case(None, [(Complaint.status != "closed", 1)], 0)),
        pw.fn.SUM(pw.Case(None, [(Complaint.reopened_count > 0, 1)], 0)))
        .where(complaints_where).tuples().get())
    enquiries_total, enquiries_recent = (Enquiry.select(
        pw.fn.COUNT(Enquiry.id), pw.fn.SUM(pw.Case(None, [(Enquiry.created_at >= since, 1)], 0)))
        .where(enquiries_where).tuples().get())
    total, recent, open_count, reopened = (int(v or 0) for v in (total, recent, open_count, reopened))
    enquiries_total, enquiries_recent = int(enquiries_total or 0), int(enquiries_recent or 0)
    last = (Complaint.select(Complaint.received_at, Complaint.status, Complaint.resolution, Complaint.satisfaction)
            .where(complaints_where).order_by(Complaint.received_at.desc()).first()) if total else None
    last_result, last_at = "", None
    if last is not None:
        last_at = _dt(last.received_at)
        last_result = labels.label(labels.COMPLAINT_STATUSES, last.status)
        if last.satisfaction:
            last_result += " · " + labels.label(labels.SATISFACTIONS, last.satisfaction)
        if last.resolution:
            last_result += _(": {text}").format(text=last.resolution[:60])
    is_repeat = recent >= REPEAT_COMPLAINTS or reopened > 0
    harassing = bool(canonical and is_harassing(canonical))
    return RepeatInfo(cid, customer.name if customer else "", masked, recent + enquiries_recent,
                      total + enquiries_total, recent, total, open_count, reopened, last_result, last_at, is_repeat,
                      is_repeat, harassing)


# -- the closed loop ------------------------------------------------------------------------------------------

@action("complaints.start", WORK_OWN)
def start(actor: User, complaint_id: int, note: str = "", expected_version: int | None = None) -> int:
    """Received → in progress (the handler takes it up). Returns the new version."""
    note = _text(note, MAX_NOTE, "note", _("The note"))
    with database.atomic():
        complaint = _get(complaint_id)
        _check_work(actor, complaint, "complaints.start")
        _check_version(complaint, expected_version)
        if complaint.status != "received":
            raise ValidationError(_("Only a newly received complaint can be started."))
        _transition(complaint, actor, "in_progress", note or _("Work started."))
        return complaint.version


@action("complaints.respond", WORK_OWN)
def respond(actor: User, complaint_id: int, note: str, new_promise: dt.datetime | None = None,
            expected_version: int | None = None) -> int:
    """Record a contact with the customer (a reply, an update): the first response when it is the first, the
    outstanding promised reply met; NEW_PROMISE is the next reply time promised. A received complaint moves to
    in progress. Returns the new version."""
    note = _text(note, MAX_NOTE, "note", _("The note"), _("Write what you told the customer."))
    now = clock.now()
    if new_promise is not None:
        new_promise = new_promise.replace(microsecond=0)
        _check_promise(new_promise, now, "new_promise")
    with database.atomic():
        complaint = _get(complaint_id)
        _check_work(actor, complaint, "complaints.respond")
        _check_version(complaint, expected_version)
        if complaint.status not in OPEN_STATES:
            raise ValidationError(_("The customer is contacted about an open complaint; this one is {status}.")
                                  .format(status=labels.label(labels.COMPLAINT_STATUSES, complaint.status)))
        values: dict = {}
        kept = _contact(complaint, actor, now, values)
        text = _("Contacted the customer: {note}").format(note=note)
        if complaint.promised_reply_at is not None and complaint.promise_met_at is None:
            text += " " + (_("(promised reply kept)") if kept else _("(after the promised reply time)"))
        if new_promise is not None:
            values.update({Complaint.promised_reply_at: new_promise, Complaint.promise_met_at: None,
                           Complaint.promises_made: Complaint.promises_made + 1})
            text += " " + _("Next reply promised by {when}.").format(when=new_promise.strftime("%Y-%m-%d %H:%M"))
        if complaint.status == "received":
            _transition(complaint, actor, "in_progress", text, values, now, "complaint_responded")
        else:
            _save(complaint, values)
            _history(complaint, actor, complaint.status, text, now)
            audit.record(actor, "complaint_responded", entity="complaint", entity_id=complaint.id,
                         customer_id=complaint.customer_id, summary=note[:80],
                         details={"kept": kept, "new_promise": new_promise.isoformat() if new_promise else None})
            complaint.version += 1
        return complaint.version


@action("complaints.escalate", WORK_OWN)
def escalate(actor: User, complaint_id: int, reason: str, expected_version: int | None = None) -> int:
    """Escalate to the supervisor (升级) with a reason; supervisors see escalations first. Returns the version."""
    reason = _text(reason, MAX_NOTE, "reason", _("The reason"), _("Give the reason for escalating."))
    with database.atomic():
        complaint = _get(complaint_id)
        _check_work(actor, complaint, "complaints.escalate")
        _check_version(complaint, expected_version)
        if complaint.status == "closed":
            raise ValidationError(_("A closed complaint cannot be escalated; reopen it first."))
        if complaint.escalated_at is not None:
            raise ValidationError(_("This complaint was escalated already on {when}.").format(
                when=_dt(complaint.escalated_at).strftime("%Y-%m-%d %H:%M")))
        now = clock.now()
        _save(complaint, {Complaint.escalated_at: now, Complaint.escalated_by: actor.id,
                          Complaint.escalation_reason: reason})
        _history(complaint, actor, complaint.status, _("Escalated to the supervisor: {reason}").format(reason=reason),
                 now)
        audit.record(actor, "complaint_escalated", entity="complaint", entity_id=complaint.id,
                     customer_id=complaint.customer_id, summary=reason[:80])
        return complaint.version + 1


@action("complaints.resolve", WORK_OWN)
def resolve(actor: User, complaint_id: int, resolution: str, root_cause_id: int | None, note: str = "",
            expected_version: int | None = None) -> ResolveResult:
    """Resolve with a resolution text and a root cause (both required): the customer is told the result (a
    contact), and the verification callback is written, due within 3 days."""
    errors: dict[str, str] = {}
    try:
        resolution = _text(resolution, MAX_DESCRIPTION, "resolution", _("The resolution"),
                           _("Write how the complaint was resolved."))
    except ValidationError as exc:
        errors["resolution"] = exc.message
    cause = RootCause.get_or_none(RootCause.id == root_cause_id) if root_cause_id else None
    if cause is None or not cause.active:
        errors["root_cause"] = _("Choose the root cause.")
    try:
        note = _text(note, MAX_NOTE, "note", _("The note"))
    except ValidationError as exc:
        errors["note"] = exc.message
    if errors:
        raise FormErrors(errors)
    from desktop_cs.services import callbacks
    with database.atomic():
        complaint = _get(complaint_id)
        _check_work(actor, complaint, "complaints.resolve")
        _check_version(complaint, expected_version)
        if complaint.status not in OPEN_STATES:
            raise ValidationError(_("Only an open complaint can be resolved; this one is {status}.").format(
                status=labels.label(labels.COMPLAINT_STATUSES, complaint.status)))
        now = clock.now()
        if complaint.status == "received":
            _transition(complaint, actor, "in_progress", _("Work started."), at=now)
        values = {Complaint.resolution: resolution, Complaint.root_cause: cause.id, Complaint.resolved_at: now,
                  Complaint.satisfaction: None}
        _contact(complaint, actor, now, values)
        text = _("Resolved: {resolution}").format(resolution=resolution) + (f"\n{note}" if note else "")
        _transition(complaint, actor, "resolved", text, values, now)
        callback_id = None
        if complaint.customer_id is None:
            message = _("Resolved. An unknown caller has no customer to call back: a supervisor closes it with "
                        "an override reason.")
        else:
            callback_id = callbacks.schedule_complaint_verification(actor, complaint.id)
            if callback_id is None:
                message = _("Resolved. No verification callback could be planned (the customer asked not to be "
                            "called, or the rule is off): a supervisor closes it with an override reason.")
            else:
                due = Callback.get_by_id(callback_id).due_at
                message = _("Resolved. The verification callback is due by {when}.").format(
                    when=_dt(due).strftime("%Y-%m-%d %H:%M"))
        return ResolveResult(complaint.id, callback_id, message)


def _cancel_open_verifications(actor: User, complaint: Complaint, reason: str) -> None:
    from desktop_cs.services import callbacks
    for (callback_id,) in (Callback.select(Callback.id).where((Callback.complaint == complaint.id)
                                                             & (Callback.status == "open")).tuples()):
        owner = Callback.get_by_id(callback_id).assigned_to_id
        if owner == actor.id or allowed(actor, ASSIGN):
            callbacks.cancel(actor, callback_id, reason)
        else:     # the handler reopens a complaint whose check sits with the customer's specialist
            Callback.update(status="cancelled", version=Callback.version + 1,
                            notes=pw.fn.TRIM(Callback.notes.concat("\n").concat(reason))).where(
                (Callback.id == callback_id) & (Callback.status == "open")).execute()
            audit.record(actor, "callback_cancelled", entity="callback", entity_id=callback_id,
                         customer_id=complaint.customer_id, summary=reason)


def _verification(complaint_id: int) -> Callback | None:
    return (Callback.select().where(Callback.complaint == complaint_id)
            .order_by(Callback.created_at.desc(), Callback.id.desc()).first())


def _failed_attempts(callback_id: int) -> int:
    return (CallbackAttempt.select(pw.fn.COUNT(CallbackAttempt.id))
            .where((CallbackAttempt.callback == callback_id) & (CallbackAttempt.outcome != "reached")).scalar() or 0)


@action("complaints.close", WORK_OWN)
def close(actor: User, complaint_id: int, note: str = "", override_reason: str = "",
          expected_version: int | None = None) -> int:
    """Close the complaint. It needs the verification callback done and satisfied; after an average result the
    handler closes with a NOTE; otherwise only a supervisor closes it, with an OVERRIDE_REASON (e.g. the customer
    was not reached after 3 attempts). Returns the new version."""
    override_reason = _text(override_reason, MAX_NOTE, "override_reason", _("The override reason"))
    note = _text(note, MAX_NOTE, "note", _("The note"))
    if override_reason:
        require(actor, OVERRIDE_COMPLAINT, "complaints.close_override")
    with database.atomic():
        complaint = _get(complaint_id)
        if not override_reason:
            _check_work(actor, complaint, "complaints.close")
        _check_version(complaint, expected_version)
        if complaint.status == "closed":
            raise ValidationError(_("This complaint is closed already."))
        now = clock.now()
        values = {Complaint.closed_at: now}
        if override_reason:
            values[Complaint.close_override_reason] = override_reason
            text = _("Closed by a supervisor's override: {reason}").format(reason=override_reason)
            _cancel_open_verifications(actor, complaint, _("The complaint was closed by a supervisor's override."))
            _transition(complaint, actor, "closed", text + (f"\n{note}" if note else ""), values, now,
                        "complaint_closed_override")
            return complaint.version
        if complaint.status != "verified" or complaint.satisfaction not in ("satisfied", "average"):
            raise ValidationError(_("A complaint closes once its verification callback found the customer "
                                    "satisfied; otherwise a supervisor closes it with an override reason."),
                                  "override_reason")
        if complaint.satisfaction == "average" and not note:
            raise ValidationError(_("The customer was only moderately satisfied: write why you close it (or "
                                    "reopen it)."), "note")
        _transition(complaint, actor, "closed", note or _("Closed: the customer is satisfied."), values, now)
        return complaint.version


@action("complaints.reopen", WORK_OWN)
def reopen(actor: User, complaint_id: int, note: str, expected_version: int | None = None) -> int:
    """Back to in progress with a note (the customer is not satisfied, or the problem came back); its open
    verification callback is cancelled: resolving again writes a new one. Returns the new version."""
    note = _text(note, MAX_NOTE, "note", _("The note"), _("Write why the complaint is reopened."))
    with database.atomic():
        complaint = _get(complaint_id)
        _check_work(actor, complaint, "complaints.reopen")
        _check_version(complaint, expected_version)
        if complaint.status not in ("resolved", "verified", "closed"):
            raise ValidationError(_("Only a resolved, verified or closed complaint can be reopened."))
        _reopen(actor, complaint, _("Reopened: {note}").format(note=note), None)
        return complaint.version


def _reopen(actor: User | None, complaint: Complaint, text: str, satisfaction: str | None,
            cancel_checks: bool = True) -> None:
    if cancel_checks and actor is not None:
        _cancel_open_verifications(actor, complaint, _("The complaint was reopened."))
    values = {Complaint.reopened_count: Complaint.reopened_count + 1, Complaint.resolved_at: None,
              Complaint.closed_at: None, Complaint.close_override_reason: ""}
    if satisfaction is not None:
        values[Complaint.satisfaction] = satisfaction
    _transition(complaint, actor, "in_progress", text, values, audit_action="complaint_reopened")


def apply_verification_result(callback: Callback) -> None:
    """What a verification callback's result does to its complaint (``callbacks.on_verification_result``).

    Called inside ``record_result``'s transaction. Satisfied → verified (it can close);
    average → verified, waiting for the handler to close with a note or reopen; unsatisfied
    → reopened; a call that did not reach the customer (wrong number, refused) leaves the
    complaint resolved, for a supervisor's override. A result for a complaint that is no
    longer resolved (reopened meanwhile) only goes into its history.
    """
    complaint = Complaint.get_or_none(Complaint.id == callback.complaint_id)
    if complaint is None:
        return
    actor = User.get_or_none(User.id == callback.done_by_id) if callback.done_by_id else None
    at = _dt(callback.done_at) or clock.now()
    opinion = (callback.opinion or "").strip()
    satisfaction = callback.satisfaction if callback.outcome == "reached" else None
    heard = labels.label(labels.SATISFACTIONS, satisfaction) if satisfaction else labels.label(
        labels.CALLBACK_OUTCOMES, callback.outcome)
    text = _("Verification callback: {result}").format(result=heard) + (f" — {opinion}" if opinion else "")
    if complaint.status != "resolved":
        _history(complaint, actor, complaint.status, text + " " + _("(the complaint was no longer resolved)"), at)
        return
    if satisfaction in ("satisfied", "average"):
        _transition(complaint, actor, "verified", text, {Complaint.satisfaction: satisfaction}, at,
                    "complaint_verified")
    elif satisfaction == "unsatisfied":
        _reopen(actor, complaint, text + " " + _("The complaint is reopened."), "unsatisfied", cancel_checks=False)
    else:
        _history(complaint, actor, complaint.status,
                 text + " " + _("The customer was not reached: a supervisor may close the complaint with an "
                                "override reason."), at)
        audit.record(actor, "complaint_verification_not_reached", entity="complaint", entity_id=complaint.id,
                     customer_id=complaint.customer_id, summary=callback.outcome or "")


@action("complaints.compensate", WORK_OWN)
def record_compensation(actor: User, complaint_id: int, text: str, amount_fen: int = 0, points: int = 0,
                        expected_version: int | None = None) -> CompensationResult:
    """Record compensation offered (text, an amount in fen, points). Points go into the points ledger linked to
    the complaint, through the adjustment threshold (above it they wait for a supervisor's approval)."""
    errors: dict[str, str] = {}
    try:
        text = _text(text, 500, "compensation_text", _("The compensation"),
                     _("Describe the compensation offered."))
    except ValidationError as exc:
        errors["compensation_text"] = exc.message
    for name, value, limit in (("compensation_fen", amount_fen, MAX_FEN),
                               ("compensation_points", points, MAX_COMPENSATION_POINTS)):
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= limit:
            errors[name] = _("Enter a whole number from 0 to {limit}.").format(limit=limit)
    if errors:
        raise FormErrors(errors)
    from desktop_cs.services import points as points_service
    with database.atomic():
        complaint = _get(complaint_id)
        _check_work(actor, complaint, "complaints.compensate")
        _check_version(complaint, expected_version)
        if complaint.status == "closed":
            raise ValidationError(_("A closed complaint takes no more compensation."))
        if points and not complaint.customer_id:
            raise ValidationError(_("Points go to a customer's account: this caller is not a customer."),
                                  "compensation_points")
        now = clock.now()
        adjustment = None
        if points:
            adjustment = points_service.request_adjustment(
                actor, complaint.customer_id, points,
                _("Compensation for complaint {id}: {text}").format(id=complaint.id, text=text)[:500],
                complaint_id=complaint.id)
        joined = f"{complaint.compensation_text}\n{text}" if complaint.compensation_text else text
        _save(complaint, {Complaint.compensation_text: joined,
                          Complaint.compensation_fen: Complaint.compensation_fen + amount_fen,
                          Complaint.compensation_points: Complaint.compensation_points + points})
        parts = [text]
        if amount_fen:
            parts.append(_("¥{amount}").format(amount=f"{amount_fen / 100:.2f}"))
        if points:
            parts.append(ngettext("{n} point", "{n} points", points).format(n=points))
        _history(complaint, actor, complaint.status, _("Compensation: {what}").format(what=" · ".join(parts)), now)
        audit.record(actor, "complaint_compensation", entity="complaint", entity_id=complaint.id,
                     customer_id=complaint.customer_id, summary=text[:80],
                     details={"fen": amount_fen, "points": points,
                              "adjustment": adjustment.adjustment_id if adjustment else None})
    message = adjustment.message if adjustment else _("The compensation was recorded.")
    return CompensationResult(complaint.id, adjustment.adjustment_id if adjustment else None,
                              adjustment.status if adjustment else None, message)


@action("complaints.edit", WORK_OWN)
def edit_complaint(actor: User, complaint_id: int, data: ComplaintEdit, expected_version: int | None = None) -> int:
    """Correct channel, category, severity, description or the staff member complained about; a new severity
    moves the deadlines (from the time received). Refuses a stale copy. Returns the new version."""
    errors: dict[str, str] = {}
    if data.channel not in CHANNELS:
        errors["channel"] = _("Choose the channel.")
    if data.severity not in SEVERITIES:
        errors["severity"] = _("Choose the severity.")
    category = ComplaintCategory.get_or_none(ComplaintCategory.id == data.category_id)
    if category is None:
        errors["category"] = _("Choose the category.")
    try:
        description = _text(data.description, MAX_DESCRIPTION, "description", _("The description"),
                            _("Describe what the customer complains about."))
    except ValidationError as exc:
        errors["description"] = exc.message
    if data.about_user_id and User.get_or_none(User.id == data.about_user_id) is None:
        errors["about_user"] = _("Choose an active team member.")
    if errors:
        raise FormErrors(errors)
    with database.atomic():
        complaint = _get(complaint_id)
        _check_work(actor, complaint, "complaints.edit")
        _check_version(complaint, expected_version)
        if complaint.status == "closed":
            raise ValidationError(_("A closed complaint cannot be changed; reopen it first."))
        new = {"channel": data.channel, "category_id": category.id, "severity": data.severity,
               "description": description, "about_user_id": data.about_user_id or None}
        changes = {k: [getattr(complaint, k), v] for k, v in new.items() if getattr(complaint, k) != v}
        if not changes:
            return complaint.version
        values = {Complaint.channel: data.channel, Complaint.category: category.id, Complaint.severity: data.severity,
                  Complaint.description: description, Complaint.about_user: data.about_user_id or None}
        if "severity" in changes:
            first_due, resolution_due = deadlines(_dt(complaint.received_at), data.severity)
            values.update({Complaint.first_response_due: first_due, Complaint.resolution_due: resolution_due})
        _save(complaint, values)
        audit.record(actor, "complaint_edited", entity="complaint", entity_id=complaint.id,
                     customer_id=complaint.customer_id, summary=_who(complaint), details={"changes": changes})
        return complaint.version + 1


@action("complaints.reassign", ASSIGN)
def reassign(actor: User, complaint_id: int, handler_id: int, expected_version: int | None = None) -> int:
    """Give the complaint to another handler (a supervisor's decision); in the history and the audit log."""
    handler = _active_user(handler_id, "handler")
    with database.atomic():
        complaint = _get(complaint_id)
        _check_version(complaint, expected_version)
        if complaint.status == "closed":
            raise ValidationError(_("A closed complaint keeps its handler."))
        if complaint.handler_id == handler.id:
            return complaint.version
        old = complaint.handler.display_name
        _save(complaint, {Complaint.handler: handler.id})
        _history(complaint, actor, complaint.status, _("Handed from {old} to {new}.").format(
            old=old, new=handler.display_name), clock.now())
        audit.record(actor, "complaint_reassigned", entity="complaint", entity_id=complaint.id,
                     customer_id=complaint.customer_id, summary=f"{complaint.handler_id} -> {handler.id}")
        return complaint.version + 1


# -- reading: the list, one complaint, My day, reminders -------------------------------------------------------

def _promise_outstanding() -> pw.Expression:
    """An open complaint's promised reply not yet met by a contact.

    Rows written before promises were counted (``promises_made`` 0: an old database, or
    bulk-loaded demo data) take their first response as the contact that met the promise.
    """
    return (Complaint.status.in_(OPEN_STATES) & Complaint.promised_reply_at.is_null(False)
            & Complaint.promise_met_at.is_null()
            & ((Complaint.promises_made > 0) | Complaint.first_response_at.is_null()))


def _outstanding(status: str, promise, met, made: int, first_response) -> bool:
    """The same rule as ``_promise_outstanding`` for a row already read."""
    return (status in OPEN_STATES and promise is not None and met is None
            and (bool(made) or first_response is None))


def _overdue_condition(now: dt.datetime) -> pw.Expression:
    return _promise_outstanding() & (Complaint.promised_reply_at < now)


def _where(actor: User, q: ComplaintQuery, now: dt.datetime) -> list[pw.Expression]:
    conditions: list[pw.Expression] = []
    if q.status == "open":
        conditions.append(Complaint.status.in_(UNFINISHED))
    elif q.status:
        if q.status not in COMPLAINT_STATUSES:
            raise ValidationError(_("Choose the state."), "status")
        conditions.append(Complaint.status == q.status)
    if q.category_id:
        conditions.append(Complaint.category == q.category_id)
    if q.severity:
        conditions.append(Complaint.severity == q.severity)
    if q.handler_id:
        conditions.append(Complaint.handler == q.handler_id)
    if q.overdue:
        conditions.append(_overdue_condition(now))
    if q.escalated:
        conditions.append(Complaint.escalated_at.is_null(False))
    if q.repeat:
        conditions.append(Complaint.is_repeat == True)  # noqa: E712
    if q.date_from:
        conditions.append(Complaint.received_at >= dt.datetime.combine(q.date_from, dt.time()))
    if q.date_to:
        conditions.append(Complaint.received_at < dt.datetime.combine(q.date_to + dt.timedelta(days=1), dt.time()))
    if q.customer_id:
        conditions.append(Complaint.customer == q.customer_id)
    if (q.number or "").strip():
        canonical = phone_numbers.canonical(q.number)
        conditions.append(Complaint.caller_number.in_(phone_numbers.variants(canonical) or [canonical or ""]))
    return conditions


def _filtered(select, conditions: list[pw.Expression]):
    return select.where(*conditions) if conditions else select


def page_ids(actor: User, query: ComplaintQuery, offset: int = 0, limit: int = PAGE_SIZE) -> list[int]:
    """The ids of one page of QUERY, newest first (a narrow query on the indexes)."""
    select = _filtered(Complaint.select(Complaint.id), _where(actor, query, clock.now()))
    return [row[0] for row in select
            .order_by(Complaint.received_at.desc(), Complaint.id.desc()).offset(offset).limit(limit).tuples()]


_Handler = User.alias("handler_user")


def _rows(ids: list[int], now: dt.datetime | None = None) -> list[ComplaintRow]:
    """The list lines of IDS in that order: masked, labelled, flagged."""
    if not ids:
        return []
    now = now or clock.now()
    soon = now + dt.timedelta(minutes=REMINDER_MINUTES)
    due = _Deadlines()
    found = {r["id"]: r for r in (
        Complaint.select(Complaint.id, Complaint.received_at, Complaint.customer, Complaint.caller_number,
                         Complaint.channel, Complaint.severity, Complaint.status, Complaint.handler,
                         Complaint.promised_reply_at, Complaint.promise_met_at, Complaint.promises_made,
                         Complaint.escalated_at,
                         Complaint.is_repeat, Complaint.reopened_count, Complaint.first_response_at,
                         Complaint.resolved_at, Complaint.first_response_due, Complaint.resolution_due,
                         Complaint.description, Customer.name.alias("customer_name"),
                         Customer.mobile.alias("customer_mobile"), ComplaintCategory.name.alias("category_name"),
                         _Handler.display_name.alias("handler_name"))
        .join(Customer, pw.JOIN.LEFT_OUTER, on=(Complaint.customer == Customer.id))
        .switch(Complaint).join(ComplaintCategory, on=(Complaint.category == ComplaintCategory.id))
        .switch(Complaint).join(_Handler, on=(Complaint.handler == _Handler.id))
        .where(Complaint.id.in_(ids)).dicts())}
    rows = []
    for cid in ids:
        r = found.get(cid)
        if r is None:
            continue
        received = _dt(r["received_at"])
        promise = _dt(r["promised_reply_at"])
        open_promise = _outstanding(r["status"], promise, r["promise_met_at"], r["promises_made"],
                                    r["first_response_at"])
        first_due, resolution_due = due.of(received, r["severity"], r["first_response_due"], r["resolution_due"])
        first_breached, resolution_breached = _breaches(first_due, resolution_due, r["first_response_at"],
                                                        r["resolved_at"], r["status"], now)
        if r["customer"]:
            who = r["customer_name"] or ""
            caller = phone_numbers.masked(r["customer_mobile"]) if r["customer_mobile"] else ""
        else:
            caller = phone_numbers.masked(r["caller_number"])
            who = caller or _("Unknown caller")
        description = (r["description"] or "").strip().splitlines()
        rows.append(ComplaintRow(
            id=cid, received_at=received, customer_id=r["customer"], customer=who, caller=caller,
            channel=labels.label(labels.COMPLAINT_CHANNELS, r["channel"]), category=r["category_name"] or "",
            severity=labels.label(labels.SEVERITIES, r["severity"]), severity_code=r["severity"],
            status=labels.label(labels.COMPLAINT_STATUSES, r["status"]), status_code=r["status"],
            handler_id=r["handler"], handler=r["handler_name"] or "", promised_reply_at=promise,
            overdue=open_promise and promise < now, due_soon=open_promise and now <= promise <= soon,
            escalated=r["escalated_at"] is not None, repeat=bool(r["is_repeat"]),
            reopened_count=r["reopened_count"] or 0, first_response_breached=first_breached,
            resolution_breached=resolution_breached, description=description[0][:120] if description else ""))
    return rows


@action("complaints.search", LOOKUP)
def search_page(actor: User, query: ComplaintQuery, offset: int = 0, limit: int = PAGE_SIZE) -> list[ComplaintRow]:
    """One page of the complaint list for QUERY, newest first; never the whole table."""
    return _rows(page_ids(actor, query, offset, limit))


@action("complaints.count", LOOKUP)
def count(actor: User, query: ComplaintQuery) -> int:
    """How many complaints match QUERY."""
    return _filtered(Complaint.select(pw.fn.COUNT(Complaint.id)), _where(actor, query, clock.now())).scalar() or 0


def _names() -> dict[int, str]:
    return dict(User.select(User.id, User.display_name).tuples())


@action("complaints.get", LOOKUP)
def get_complaint(actor: User, complaint_id: int) -> ComplaintDetail:
    """The complaint page: every field (numbers masked), its history, its verification callback, and what
    ACTOR may do now."""
    c = _get(complaint_id)
    now = clock.now()
    names = _names()
    category = ComplaintCategory.get_by_id(c.category_id)
    customer = Customer.get_or_none(Customer.id == c.customer_id) if c.customer_id else None
    if customer is not None:
        who = customer.name
        caller = phone_numbers.masked(customer.mobile) if customer.mobile else ""
    else:
        caller = phone_numbers.masked(c.caller_number)
        who = caller or _("Unknown caller")
    received = _dt(c.received_at)
    first_due, resolution_due = _Deadlines().of(received, c.severity, c.first_response_due, c.resolution_due)
    first_breached, resolution_breached = _breaches(first_due, resolution_due, c.first_response_at, c.resolved_at,
                                                    c.status, now)
    history = []
    for h in (ComplaintStateChange.select().where(ComplaintStateChange.complaint == c.id)
              .order_by(ComplaintStateChange.at, ComplaintStateChange.id)):
        transition = h.from_status != h.to_status
        history.append(HistoryRow(_dt(h.at), names.get(h.by_id, ""), labels.label(labels.COMPLAINT_STATUSES,
                                                                                 h.from_status),
                                  labels.label(labels.COMPLAINT_STATUSES, h.to_status), h.to_status, h.note,
                                  transition))
    verification = None
    cb = _verification(c.id)
    if cb is not None:
        failed = _failed_attempts(cb.id)
        not_reached = failed >= VERIFY_ATTEMPTS or (cb.status == "done" and cb.outcome != "reached")
        verification = VerificationInfo(
            cb.id, labels.label(labels.CALLBACK_STATUSES, cb.status), cb.status, _dt(cb.due_at),
            names.get(cb.assigned_to_id, ""), labels.label(labels.CALLBACK_OUTCOMES, cb.outcome),
            labels.label(labels.SATISFACTIONS, cb.satisfaction), cb.satisfaction, failed, not_reached)
    work = can_work(actor, c)
    open_ = c.status in OPEN_STATES
    promise = _dt(c.promised_reply_at)
    close_hint = ""
    plain_close = c.status == "verified" and c.satisfaction in ("satisfied", "average")
    if c.status == "resolved":
        if verification is None or c.customer_id is None:
            close_hint = _("No verification callback can be made: a supervisor closes it with an override reason.")
        elif verification.not_reached:
            close_hint = _("The customer was not reached after {n} attempts: a supervisor may close it with an "
                           "override reason.").format(n=max(verification.failed_attempts, 1))
        else:
            close_hint = _("Waiting for the verification callback (due {when}).").format(
                when=verification.due_at.strftime("%Y-%m-%d %H:%M"))
    elif c.status in OPEN_STATES:
        close_hint = _("Resolve the complaint first; it closes after the verification callback.")
    elif c.status == "verified" and c.satisfaction == "average":
        close_hint = _("The customer was only moderately satisfied: close it with a note, or reopen it.")
    return ComplaintDetail(
        id=c.id, version=c.version, customer_id=c.customer_id, customer=who, caller=caller,
        channel=labels.label(labels.COMPLAINT_CHANNELS, c.channel), channel_code=c.channel, received_at=received,
        category_id=c.category_id, category=category.name, is_attitude=bool(category.is_attitude),
        severity=labels.label(labels.SEVERITIES, c.severity), severity_code=c.severity, description=c.description,
        handler_id=c.handler_id, handler=names.get(c.handler_id, ""), created_by=names.get(c.created_by_id, ""),
        about_user_id=c.about_user_id, about_user=names.get(c.about_user_id, "") if c.about_user_id else "",
        status=labels.label(labels.COMPLAINT_STATUSES, c.status), status_code=c.status, promised_reply_at=promise,
        promise_met_at=_dt(c.promise_met_at),
        overdue=_outstanding(c.status, promise, c.promise_met_at, c.promises_made, c.first_response_at)
        and promise < now,
        first_response_at=_dt(c.first_response_at), first_response_due=first_due,
        first_response_breached=first_breached, resolution_due=resolution_due,
        resolution_breached=resolution_breached, last_contact_at=_dt(c.last_contact_at), is_repeat=bool(c.is_repeat),
        reopened_count=c.reopened_count, escalated_at=_dt(c.escalated_at),
        escalated_by=names.get(c.escalated_by_id, "") if c.escalated_by_id else "",
        escalation_reason=c.escalation_reason, resolution=c.resolution, root_cause_id=c.root_cause_id,
        root_cause=RootCause.get_by_id(c.root_cause_id).name if c.root_cause_id else "",
        resolved_at=_dt(c.resolved_at), satisfaction=labels.label(labels.SATISFACTIONS, c.satisfaction),
        satisfaction_code=c.satisfaction, closed_at=_dt(c.closed_at), close_override_reason=c.close_override_reason,
        compensation_text=c.compensation_text, compensation_fen=c.compensation_fen,
        compensation_points=c.compensation_points, history=history, verification=verification, can_work=work,
        can_start=work and c.status == "received", can_respond=work and open_,
        can_escalate=work and c.status != "closed" and c.escalated_at is None, can_resolve=work and open_,
        can_close=work and plain_close, close_needs_note=c.satisfaction == "average",
        can_override=allowed(actor, OVERRIDE_COMPLAINT) and c.status != "closed",
        can_reopen=work and c.status in ("resolved", "verified", "closed"),
        can_compensate=work and c.status != "closed", close_hint=close_hint)


def _scope(actor: User, specialist_id: int | str | None) -> int | None:
    """Whose complaints (None = the whole team); others than oneself need ASSIGN."""
    if specialist_id is None or specialist_id == actor.id:
        return actor.id
    require(actor, ASSIGN, "complaints.view_others")
    return None if specialist_id == TEAM else int(specialist_id)


@action("complaints.due", WORK_OWN)
def complaints_due(actor: User, specialist_id: int | str | None = None, limit: int = DUE_LIMIT) -> ComplaintsDue:
    """My day's complaints of ACTOR (default), another specialist (id) or the team ("team"): escalations first
    (a supervisor sees every open escalation), promised replies overdue (red), promised replies due today,
    deadlines breached."""
    handler = _scope(actor, specialist_id)
    now = clock.now()
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
    mine = [Complaint.handler == handler] if handler is not None else []
    escalated_where = [Complaint.status.in_(UNFINISHED), Complaint.escalated_at.is_null(False)]
    if not allowed(actor, ASSIGN):
        escalated_where += mine
    overdue_where = [*mine, _overdue_condition(now)]
    today_where = [*mine, _promise_outstanding(),
                   Complaint.promised_reply_at >= now, Complaint.promised_reply_at < tomorrow]

    def ids(where, order) -> list[int]:
        return [r[0] for r in Complaint.select(Complaint.id).where(*where).order_by(*order).limit(limit).tuples()]

    def counted(found: list, where: list) -> int:
        return len(found) if len(found) < limit else (
            Complaint.select(pw.fn.COUNT(Complaint.id)).where(*where).scalar() or 0)

    escalated = _rows(ids(escalated_where, [Complaint.escalated_at.desc()]), now)
    overdue = _rows(ids(overdue_where, [Complaint.promised_reply_at]), now)
    due_today = _rows(ids(today_where, [Complaint.promised_reply_at]), now)
    open_rows = _rows(ids([*mine, Complaint.status.in_(OPEN_STATES)], [Complaint.received_at]), now)
    breached = [r for r in open_rows if r.breached][:limit]
    return ComplaintsDue(escalated, overdue, due_today, breached, counted(escalated, escalated_where),
                         counted(overdue, overdue_where), counted(due_today, today_where))


@action("complaints.reminders", WORK_OWN)
def due_reminders(actor: User, now: dt.datetime | None = None, since: dt.datetime | None = None
                  ) -> ComplaintReminders:
    """ACTOR's promised replies falling due within 30 minutes, and those that became overdue since SINCE (the
    start of today when None)."""
    now = now or clock.now()
    since = since or dt.datetime.combine(now.date(), dt.time())
    base = [Complaint.handler == actor.id, _promise_outstanding()]
    soon = [r[0] for r in Complaint.select(Complaint.id).where(
        *base, Complaint.promised_reply_at >= now,
        Complaint.promised_reply_at <= now + dt.timedelta(minutes=REMINDER_MINUTES))
        .order_by(Complaint.promised_reply_at).limit(50).tuples()]
    newly = [r[0] for r in Complaint.select(Complaint.id).where(
        *base, Complaint.promised_reply_at >= since, Complaint.promised_reply_at < now)
        .order_by(Complaint.promised_reply_at).limit(50).tuples()]
    return ComplaintReminders(_rows(soon, now), _rows(newly, now))


# -- harassing callers (骚扰电话) -------------------------------------------------------------------------------

def _harassing_number(number: str) -> HarassingNumber | None:
    canonical = phone_numbers.canonical(number)
    if not canonical or canonical == phone_numbers.WITHHELD:
        return None
    return (HarassingNumber.select().where(HarassingNumber.number.in_(phone_numbers.variants(canonical)))
            .order_by(HarassingNumber.active.desc()).first())


def harassing_info(number: str) -> HarassingInfo | None:
    """The marking of NUMBER when it is an active harassing caller (None otherwise); for the warning shown
    wherever a number is typed."""
    marked = _harassing_number(number)
    if marked is None or not marked.active:
        return None
    calls, last = (HarassingCall.select(pw.fn.COUNT(HarassingCall.id), pw.fn.MAX(HarassingCall.at))
                   .where(HarassingCall.number == marked.id).tuples().get())
    return HarassingInfo(marked.id, phone_numbers.masked(marked.number), marked.reason, _dt(marked.marked_at),
                         int(calls or 0), _dt(last))


def is_harassing(number: str) -> bool:
    """Whether NUMBER (any form) is marked as a harassing caller."""
    marked = _harassing_number(number) if number else None
    return bool(marked is not None and marked.active)


def _check_harassing_number(number: str) -> phone_numbers.CallerNumber:
    checked = phone_numbers.check_caller_number(number, field="number")
    if checked.kind == "withheld":
        raise ValidationError(_("A withheld number cannot be marked: note the time of the call for the "
                                "supervisor instead."), "number")
    return checked


@action("complaints.mark_harassing", WORK_OWN)
def mark_harassing(actor: User, number: str, reason: str = "") -> int:
    """Mark a number as a harassing caller (again active if it was unmarked). Returns its id."""
    checked = _check_harassing_number(number)
    reason = _text(reason, 500, "reason", _("The reason"))
    with database.atomic():
        existing = _harassing_number(checked.number)
        if existing is not None:
            if existing.active:
                return existing.id
            HarassingNumber.update(active=True, reason=reason or existing.reason, marked_by=actor.id,
                                   marked_at=clock.now()).where(HarassingNumber.id == existing.id).execute()
            number_id = existing.id
        else:
            number_id = HarassingNumber.create(number=checked.number, reason=reason, marked_by=actor.id,
                                               marked_at=clock.now(), active=True).id
        audit.record(actor, "harassing_marked", entity="harassing_number", entity_id=number_id,
                     summary=phone_numbers.masked(checked.number), details={"reason": reason})
        return number_id


@action("complaints.unmark_harassing", ASSIGN)
def unmark_harassing(actor: User, number_id: int) -> None:
    """A supervisor takes the mark off a number (its logged calls stay)."""
    with database.atomic():
        marked = HarassingNumber.get_or_none(HarassingNumber.id == number_id)
        if marked is None:
            raise NotFound(_("This number is not marked."))
        HarassingNumber.update(active=False).where(HarassingNumber.id == number_id).execute()
        audit.record(actor, "harassing_unmarked", entity="harassing_number", entity_id=number_id,
                     summary=phone_numbers.masked(marked.number))


@action("complaints.log_harassing_call", WORK_OWN)
def log_harassing_call(actor: User, number: str, summary: str = "", channel: str = "hotline",
                       at: dt.datetime | None = None) -> int:
    """Log one call from a harassing number (time, channel, summary, handler = ACTOR); an unmarked number is
    marked by it. Returns the call's id."""
    checked = _check_harassing_number(number)
    summary = _text(summary, 500, "summary", _("The summary"))
    if channel not in CHANNELS:
        raise ValidationError(_("Choose the channel."), "channel")
    now = clock.now()
    at = (at or now).replace(microsecond=0)
    if at > now + dt.timedelta(minutes=1):
        raise ValidationError(_("The call cannot be in the future."), "at")
    with database.atomic():
        marked = _harassing_number(checked.number)
        number_id = marked.id if marked is not None and marked.active else mark_harassing(actor, checked.number,
                                                                                         summary)
        call = HarassingCall.create(number=number_id, at=at, channel=channel, summary=summary, handler=actor.id)
        audit.record(actor, "harassing_call_logged", entity="harassing_call", entity_id=call.id,
                     summary=phone_numbers.masked(checked.number))
        return call.id


@action("complaints.harassing_list", REPORTS)
def harassing_list(actor: User, date_from: dt.date | None = None, date_to: dt.date | None = None,
                   include_inactive: bool = False) -> list[HarassingRow]:
    """The supervisor's list by number: calls in all, in the period and in the last 30 days, first and last
    time; most calls in the period first. Full numbers for those allowed to unmask (to report to the operator)."""
    now = clock.now()
    lo = dt.datetime.combine(date_from, dt.time()) if date_from else dt.datetime.min
    hi = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time()) if date_to else dt.datetime.max
    recent = now - dt.timedelta(days=30)
    full = allowed(actor, UNMASK)
    in_period = pw.fn.SUM(pw.Case(None, [((HarassingCall.at >= lo) & (HarassingCall.at < hi), 1)], 0))
    last_30 = pw.fn.SUM(pw.Case(None, [(HarassingCall.at >= recent, 1)], 0))
    query = (HarassingNumber.select(HarassingNumber, User.display_name.alias("marker"),
                                    pw.fn.COUNT(HarassingCall.id).alias("total"), in_period.alias("period"),
                                    last_30.alias("recent"), pw.fn.MIN(HarassingCall.at).alias("first"),
                                    pw.fn.MAX(HarassingCall.at).alias("last"))
             .join(User, on=(HarassingNumber.marked_by == User.id))
             .switch(HarassingNumber).join(HarassingCall, pw.JOIN.LEFT_OUTER,
                                           on=(HarassingCall.number == HarassingNumber.id))
             .group_by(HarassingNumber.id, User.display_name))
    if not include_inactive:
        query = query.where(HarassingNumber.active == True)  # noqa: E712
    rows = [HarassingRow(r.id, r.number if full else phone_numbers.masked(r.number), r.reason, r.marker,
                         _dt(r.marked_at), bool(r.active), int(r.total or 0), int(r.period or 0),
                         int(r.recent or 0), _dt(r.first), _dt(r.last)) for r in query.objects()]
    epoch = dt.datetime(1970, 1, 1)
    rows.sort(key=lambda r: (-r.calls_in_period, -((r.last_at or epoch) - epoch).total_seconds(), r.id))
    return rows


@action("complaints.harassing_calls", LOOKUP)
def harassing_calls(actor: User, number_id: int, limit: int = 200) -> list[HarassingCallRow]:
    """The calls logged for one harassing number, newest first."""
    names = _names()
    return [HarassingCallRow(c.id, _dt(c.at), labels.label(labels.COMPLAINT_CHANNELS, c.channel), c.summary,
                             names.get(c.handler_id, ""))
            for c in HarassingCall.select().where(HarassingCall.number == number_id)
            .order_by(HarassingCall.at.desc()).limit(limit)]


# -- the analysis report's figures ---------------------------------------------------------------------------

def _hours(start: dt.datetime, end: dt.datetime) -> float:
    return (end - start).total_seconds() / 3600


def duration_stats(hours: list[float]) -> DurationStats:
    """Median and 90th percentile (nearest rank) of HOURS."""
    if not hours:
        return DurationStats(0, None, None)
    ordered = sorted(hours)
    p90 = ordered[max(math.ceil(0.9 * len(ordered)) - 1, 0)]
    return DurationStats(len(ordered), round(statistics.median(ordered), 2), round(p90, 2))


@action("complaints.analysis", REPORTS)
def analysis(actor: User, date_from: dt.date, date_to: dt.date) -> ComplaintAnalysis:
    """The complaint analysis report's figures for complaints received DATE_FROM..DATE_TO (both included)."""
    if date_from is None or date_to is None or date_from > date_to:
        raise ValidationError(_("The period ends on or after its first day."), "dates")
    lo = dt.datetime.combine(date_from, dt.time())
    hi = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
    now = clock.now()
    names = _names()
    categories = {c.id: (c.name, bool(c.is_attitude)) for c in ComplaintCategory.select()}
    causes = dict(RootCause.select(RootCause.id, RootCause.name).tuples())
    by_category: Counter = Counter()
    by_channel: Counter = Counter()
    by_severity: Counter = Counter()
    by_status: Counter = Counter()
    by_cause: Counter = Counter()
    satisfaction: Counter = Counter()
    complainants: Counter = Counter()
    complainant_names: dict = {}
    attitude: Counter = Counter()
    first_hours: list[float] = []
    resolution_hours: list[float] = []
    made = kept = broken = pending = 0
    first_breaches = resolution_breaches = breached = escalations = reopened = repeats = 0
    fen = points = 0
    due = _Deadlines()
    query = (Complaint.select(Complaint.id, Complaint.customer, Complaint.caller_number, Complaint.channel,
                              Complaint.received_at, Complaint.category, Complaint.severity, Complaint.handler,
                              Complaint.status, Complaint.first_response_at, Complaint.resolved_at,
                              Complaint.first_response_due, Complaint.resolution_due, Complaint.promised_reply_at,
                              Complaint.promise_met_at, Complaint.promises_made, Complaint.promises_kept,
                              Complaint.escalated_at, Complaint.reopened_count, Complaint.is_repeat,
                              Complaint.root_cause, Complaint.satisfaction, Complaint.about_user,
                              Complaint.compensation_fen, Complaint.compensation_points,
                              Customer.name.alias("customer_name"), Customer.assigned_to.alias("owner"))
             .join(Customer, pw.JOIN.LEFT_OUTER, on=(Complaint.customer == Customer.id))
             .where(Complaint.received_at >= lo, Complaint.received_at < hi).dicts())
    total = 0
    for r in query:
        total += 1
        received = _dt(r["received_at"])
        name, is_attitude = categories.get(r["category"], ("", False))
        by_category[name] += 1
        by_channel[labels.label(labels.COMPLAINT_CHANNELS, r["channel"])] += 1
        by_severity[r["severity"]] += 1
        by_status[r["status"]] += 1
        if r["root_cause"]:
            by_cause[causes.get(r["root_cause"], "")] += 1
        if r["satisfaction"]:
            satisfaction[r["satisfaction"]] += 1
        first = _dt(r["first_response_at"])
        resolved = _dt(r["resolved_at"])
        if first:
            first_hours.append(_hours(received, first))
        if resolved:
            resolution_hours.append(_hours(received, resolved))
        first_due, resolution_due = due.of(received, r["severity"], r["first_response_due"], r["resolution_due"])
        f_breach, r_breach = _breaches(first_due, resolution_due, first, resolved, r["status"], now)
        first_breaches += f_breach
        resolution_breaches += r_breach
        breached += f_breach or r_breach
        promise = _dt(r["promised_reply_at"])
        if r["promises_made"] or promise is None:
            made += r["promises_made"] or 0
            kept += r["promises_kept"] or 0
        else:       # a row from before promises were counted: its first response met the one promise
            made += 1
            kept += first is not None and first <= promise
        if _outstanding(r["status"], promise, r["promise_met_at"], r["promises_made"], first) and promise >= now:
            pending += 1
        escalations += r["escalated_at"] is not None
        reopened += (r["reopened_count"] or 0) > 0
        repeats += bool(r["is_repeat"])
        fen += r["compensation_fen"] or 0
        points += r["compensation_points"] or 0
        key = ("c", r["customer"]) if r["customer"] else ("n", r["caller_number"])
        if key[1] and key[1] != phone_numbers.WITHHELD:
            complainants[key] += 1
            complainant_names[key] = r["customer_name"] if r["customer"] else phone_numbers.masked(r["caller_number"])
        if is_attitude:
            about = r["about_user"] or r["owner"] or r["handler"]
            attitude[names.get(about, str(about))] += 1
    broken = max(made - kept - pending, 0)
    repeated = [(complainant_names[k], n) for k, n in complainants.most_common() if n >= REPEAT_COMPLAINTS]
    severity_order = {code: i for i, code in enumerate(SEVERITIES)}
    status_order = {code: i for i, code in enumerate(COMPLAINT_STATUSES)}
    return ComplaintAnalysis(
        date_from=date_from, date_to=date_to, total=total, by_category=by_category.most_common(),
        by_channel=by_channel.most_common(),
        by_severity=[(labels.label(labels.SEVERITIES, code), n) for code, n in
                     sorted(by_severity.items(), key=lambda item: -severity_order.get(item[0], 0))],
        by_status=[(labels.label(labels.COMPLAINT_STATUSES, code), n) for code, n in
                   sorted(by_status.items(), key=lambda item: status_order.get(item[0], 0))],
        by_root_cause=by_cause.most_common(), first_response=duration_stats(first_hours),
        resolution=duration_stats(resolution_hours), promises_made=made, promises_kept=kept,
        promises_broken=broken, promises_pending=pending, first_response_breaches=first_breaches,
        resolution_breaches=resolution_breaches, breached_complaints=breached, escalations=escalations,
        reopened=reopened, repeat_complaints=repeats, repeat_complainants=len(repeated),
        top_repeat_complainants=repeated[:20], attitude_by_specialist=attitude.most_common(),
        satisfaction=[(labels.label(labels.SATISFACTIONS, code), satisfaction.get(code, 0))
                      for code in ("satisfied", "average", "unsatisfied")],
        compensation_fen=fen, compensation_points=points)


# -- the supervisor's lists: categories, root causes, severity targets --------------------------------------------

def categories(include_inactive: bool = False) -> list[CategoryRow]:
    query = ComplaintCategory.select().order_by(ComplaintCategory.sort_order, ComplaintCategory.id)
    if not include_inactive:
        query = query.where(ComplaintCategory.active == True)  # noqa: E712
    return [CategoryRow(c.id, c.name, bool(c.is_attitude), c.sort_order, bool(c.active)) for c in query]


def root_causes(include_inactive: bool = False) -> list[RootCauseRow]:
    query = RootCause.select().order_by(RootCause.sort_order, RootCause.id)
    if not include_inactive:
        query = query.where(RootCause.active == True)  # noqa: E712
    return [RootCauseRow(c.id, c.name, c.sort_order, bool(c.active)) for c in query]


def severity_targets() -> list[TargetRow]:
    """The targets in severity order (low to critical)."""
    stored = _targets()
    rows = []
    for code in SEVERITIES:
        first, resolution = stored.get(code) or _FALLBACK_TARGETS[code]
        rows.append(TargetRow(code, labels.label(labels.SEVERITIES, code), first, resolution))
    return rows


def handlers() -> list[tuple[int, str]]:
    """(id, name) of the active team members, specialists first, for the handler choice."""
    return [(u.id, u.display_name) for u in User.select(User.id, User.display_name, User.role)
            .where(User.active == True).order_by(User.role, User.display_name)]  # noqa: E712


def _save_named(model, actor: User, row_id: int | None, name: str, limit: int, values: dict, what: str,
                audit_action: str) -> int:
    name = (name or "").strip()
    if not name or len(name) > limit:
        raise ValidationError(_("A name has 1 to {n} characters.").format(n=limit), "name")
    with database.atomic():
        clash = model.select().where(model.name == name)
        if row_id:
            clash = clash.where(model.id != row_id)
        if clash.exists():
            raise ValidationError(_("This {what} exists already.").format(what=what), "name")
        if row_id:
            if not model.update(name=name, **values).where(model.id == row_id).execute():
                raise NotFound(_("This entry does not exist any more."))
        else:
            row_id = model.create(name=name, **values).id
        audit.record(actor, audit_action, entity=model._meta.table_name, entity_id=row_id, summary=name,
                     details={k: v for k, v in values.items()})
        return row_id


@action("complaints.save_category", EDIT_SETTINGS)
def save_category(actor: User, category_id: int | None, name: str, is_attitude: bool = False, sort_order: int = 0,
                  active: bool = True) -> int:
    """Create or change a complaint category; an inactive one is no longer offered (its complaints keep it)."""
    return _save_named(ComplaintCategory, actor, category_id, name, 32,
                       {"is_attitude": bool(is_attitude), "sort_order": int(sort_order), "active": bool(active)},
                       _("category"), "complaint_category_saved")


@action("complaints.save_root_cause", EDIT_SETTINGS)
def save_root_cause(actor: User, root_cause_id: int | None, name: str, sort_order: int = 0,
                    active: bool = True) -> int:
    """Create or change a root cause."""
    return _save_named(RootCause, actor, root_cause_id, name, 48,
                       {"sort_order": int(sort_order), "active": bool(active)}, _("root cause"),
                       "root_cause_saved")


@action("complaints.save_severity_target", EDIT_SETTINGS)
def save_severity_target(actor: User, severity: str, first_response_hours: int, resolution_hours: int) -> None:
    """Set a severity's targets in working hours (first response ≤ resolution); new complaints use them."""
    errors: dict[str, str] = {}
    if severity not in SEVERITIES:
        errors["severity"] = _("Choose the severity.")
    for name, value in (("first_response_hours", first_response_hours), ("resolution_hours", resolution_hours)):
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 1000:
            errors[name] = _("Enter whole working hours from 1 to 1000.")
    if not errors and first_response_hours > resolution_hours:
        errors["first_response_hours"] = _("The first response comes before the resolution.")
    if errors:
        raise FormErrors(errors)
    with database.atomic():
        old = SeverityTarget.get_or_none(SeverityTarget.severity == severity)
        SeverityTarget.insert(severity=severity, first_response_hours=first_response_hours,
                              resolution_hours=resolution_hours).on_conflict(
            conflict_target=[SeverityTarget.severity],
            update={SeverityTarget.first_response_hours: first_response_hours,
                    SeverityTarget.resolution_hours: resolution_hours}).execute()
        audit.record(actor, "severity_target_saved", entity="severity_target", summary=severity,
                     details={"first_response_hours": [old.first_response_hours if old else None,
                                                       first_response_hours],
                              "resolution_hours": [old.resolution_hours if old else None, resolution_hours]})


__all__ = [
    "ComplaintInput", "ComplaintEdit", "IntakeResult", "RepeatInfo", "ComplaintQuery", "ComplaintRow",
    "ComplaintDetail", "HistoryRow", "VerificationInfo", "ResolveResult", "CompensationResult", "HarassingInfo",
    "HarassingRow", "HarassingCallRow", "ComplaintsDue", "ComplaintReminders", "ComplaintAnalysis",
    "DurationStats", "create_complaint", "repeat_caller", "start", "respond", "escalate", "resolve", "close",
    "reopen", "apply_verification_result", "record_compensation", "edit_complaint", "reassign", "search_page",
    "count", "page_ids", "get_complaint", "complaints_due", "due_reminders", "harassing_info", "is_harassing",
    "mark_harassing", "unmark_harassing", "log_harassing_call", "harassing_list", "harassing_calls", "analysis",
    "duration_stats", "deadlines", "categories", "root_causes", "severity_targets", "handlers", "save_category",
    "save_root_cause", "save_severity_target", "can_work",
]
