"""The callback schedule (回访计划): My day, rules that create callbacks, campaigns, recording results, the three musts.

Every callback a rule or a campaign writes is due on a working day outside quiet hours
(``services.calendar``), in the customer's preferred slot when there is one, and is never
written for a customer marked "do not call". Rule-made callbacks carry a ``trigger_key``
(unique), so running a rule twice never creates a second callback for the same trigger.

Hooks for the complaint area (implemented by the complaint issue, no-ops until then):
- ``schedule_complaint_verification(actor, complaint_id)``: call it when a complaint is
  resolved; it writes the verification callback due within 3 days.
- ``on_verification_result(callback)``: called with a complaint's verification callback
  once its result is recorded, inside the recording transaction.
- ``complaint_offer_available()``: True once a complaint can be opened from a callback
  result; the record form offers "open a complaint" only then.
"""
from __future__ import annotations

import datetime as dt
import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Callable, Iterable

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import _, current_language, ngettext
from desktop_cs.models import sql
from desktop_cs.models import (Callback, CallbackAttempt, CallbackRule, Campaign, Complaint, Customer, Handover,
                               HandoverRead, Tier, User, database)
from desktop_cs.models.callback import METHODS, NEXT_STEPS, OUTCOMES, PURPOSES, SATISFACTIONS
from desktop_cs.services import audit, customers, labels, team_settings
from desktop_cs.services import calendar as workcal
from desktop_cs.services.errors import (Conflict, FormErrors, NotFound, ServiceError,
                                        ValidationError)
from desktop_cs.services.masking import mask_mobile
from desktop_cs.services.permissions import (ASSIGN, EDIT_SETTINGS, LOOKUP, WORK_OWN, action, allowed, require,
                                             require_own)

#: the one-week first contact (001: 应在一周内与客户进行沟通)
FIRST_CONTACT_DAYS = customers.FIRST_CONTACT_DAYS
#: My day warns about new customers not yet contacted this many days after their assignment
NOT_CONTACTED_WARN_DAYS = 5
#: "the callback happens within three days" (001 三个必保)
ON_TIME_DAYS = 3
#: My day's upcoming list looks this many days ahead
UPCOMING_DAYS = 7
#: rows per My day list (the counts are exact, the lists are capped)
LIST_LIMIT = 200
#: the reminder notice looks this far ahead
REMINDER_MINUTES = 15
#: after this many failed phone attempts the form suggests an SMS
SMS_AFTER_FAILED_PHONE = 3
#: unread handovers older than this no longer show on My day
HANDOVER_DAYS = 14
#: rows per INSERT of bulk-made callbacks (17 columns each, well under SQLite's variable limit)
BATCH = 1000
#: periodic care is created this many days before it falls due
CARE_LOOKAHEAD_DAYS = 3
SCRIPT_KEY = "callbacks.script"
TEAM = "team"

NOT_REACHED = ("no_answer", "phone_off")
CLOSING_OUTCOMES = ("reached", "wrong_number", "refused")


class QuietHoursWarning(ServiceError):
    """The chosen time is in quiet hours or on a non-working day; SUGGESTION is the next allowed time.

    The view asks the user and calls again with ``confirm_quiet=True`` to keep the time.
    """

    def __init__(self, message: str, suggestion: dt.datetime):
        super().__init__(message)
        self.suggestion = suggestion


class Cancelled(ServiceError):
    """Long work stopped at the user's request; nothing was written."""


# -- rows the views show --------------------------------------------------------------------------

@dataclass
class CallbackRow:
    """One callback in a list, masked and labelled."""

    id: int
    customer_id: int
    customer_name: str
    mobile: str
    tier: str
    due_at: dt.datetime
    purpose: str
    purpose_code: str
    method: str
    method_code: str
    specialist_id: int
    specialist: str
    attempts: int
    overdue: bool
    preferred_time: str
    do_not_call: bool
    complaint_id: int | None
    version: int


@dataclass
class NotContactedRow:
    """A new customer whose one-week first contact is about to break (or has)."""

    customer_id: int
    name: str
    mobile: str
    specialist: str
    assigned_at: dt.datetime
    deadline: dt.datetime
    overdue: bool


@dataclass
class HandoverRow:
    """A shift handover note with its links."""

    id: int
    author_id: int
    author: str
    created_at: dt.datetime
    body: str
    customers: list[tuple[int, str]]
    callback_ids: list[int]
    read: bool = False


@dataclass
class MyDay:
    """The daily desk view: what is due today, overdue, coming, not contacted, and unread handovers."""

    scope: str                       # "own", "team" or "specialist"
    specialist_id: int | None
    due_today: list[CallbackRow]
    overdue: list[CallbackRow]
    upcoming: list[CallbackRow]
    not_contacted: list[NotContactedRow]
    handovers: list[HandoverRow]
    due_today_count: int
    overdue_count: int
    upcoming_count: int
    not_contacted_count: int
    handover_count: int


@dataclass
class AttemptRow:
    at: dt.datetime
    by: str
    method: str
    outcome: str
    outcome_code: str
    note: str


@dataclass
class CallbackDetail:
    """Everything the record form shows about one callback."""

    row: CallbackRow
    status: str
    outcome: str | None
    satisfaction: str | None
    opinion: str
    suggestions: str
    duration_seconds: int | None
    next_step: str | None
    notes: str
    triggered_at: dt.datetime | None
    attempts: list[AttemptRow]
    failed_phone_attempts: int
    suggest_sms: bool
    is_verification: bool
    can_record: bool
    campaign: str


@dataclass
class RecordResult:
    """What recording a result did, and what the form should offer next."""

    callback_id: int
    customer_id: int
    status: str
    #: an unsatisfied result of an ordinary callback: offer to open a complaint
    offer_complaint: bool = False
    #: the text a complaint opened from this result starts with
    complaint_text: str = ""
    #: the next step asks for another callback
    follow_up: bool = False
    #: this was a complaint's verification callback (its result went to the complaint)
    verification: bool = False


@dataclass
class RescheduleResult:
    """The callback's new due time and its attempt count after a reschedule."""

    callback_id: int
    customer_id: int
    due_at: dt.datetime
    attempts: int
    failed_phone_attempts: int
    #: 3 failed phone attempts: suggest switching to SMS
    suggest_sms: bool
    moved_from_quiet: bool = False


@dataclass
class CampaignResult:
    """A generated campaign: how many callbacks, for whom, and what was skipped."""

    campaign_id: int
    created: int
    skipped_do_not_call: int
    per_specialist: dict[int, int]
    seconds: float


@dataclass
class CareResult:
    """One run of the periodic-care rule."""

    created: int
    candidates: int
    skipped_do_not_call: int


@dataclass
class Share:
    """A share of the three musts: PART of WHOLE (None when there is nothing to measure)."""

    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None

    def percent_text(self) -> str:
        ratio = self.ratio
        return "—" if ratio is None else f"{ratio * 100:.1f}%"


@dataclass
class ThreeMusts:
    """The callback standard as numbers for a period (001 一个避免,三个必保)."""

    date_from: dt.date
    date_to: dt.date
    specialist_id: int | None
    member_coverage: Share
    recorded: Share
    on_time: Share
    overdue: int


@dataclass
class Reminders:
    """What the reminder notice says: callbacks falling due soon and those newly overdue."""

    due_soon: list[CallbackRow]
    newly_overdue: list[CallbackRow]
    overdue_total: int

    def empty(self) -> bool:
        return not self.due_soon and not self.newly_overdue

    def text(self) -> str:
        parts = []
        if self.due_soon:
            names = "、".join(r.customer_name for r in self.due_soon[:3])
            parts.append(ngettext("{n} callback due within {m} minutes: {names}",
                                  "{n} callbacks due within {m} minutes: {names}",
                                  len(self.due_soon)).format(n=len(self.due_soon), m=REMINDER_MINUTES, names=names))
        if self.newly_overdue:
            names = "、".join(r.customer_name for r in self.newly_overdue[:3])
            parts.append(ngettext("{n} callback is now overdue: {names}", "{n} callbacks are now overdue: {names}",
                                  len(self.newly_overdue)).format(n=len(self.newly_overdue), names=names))
        return "\n".join(parts)


@dataclass
class RuleRow:
    """One rule of the rule table, labelled."""

    id: int
    name: str
    trigger: str
    trigger_label: str
    delay_days: int
    purpose: str
    method: str
    active: bool


# -- the standard script (001 回访标准及用语), stored as data in both languages ----------------------

SCRIPT_PARTS = ("opening", "question", "follow_up_satisfied", "follow_up_other", "closing_satisfied",
                "closing_other", "tip")

#: the default script per language; {specialist}, {customer}, {company} are filled in
DEFAULT_SCRIPTS: dict[str, dict[str, str]] = {
    "zh_CN": {
        "opening": "您好，我是{company}客服{specialist}，请问您是{customer}先生/女士吗？打扰您了。",
        "question": "感谢您选择{company}的服务，请问您对我们的服务满意吗？",
        "follow_up_satisfied": "您对我们的服务有什么建议吗？",
        "follow_up_other": "能否告诉我您对哪方面不满意？／我们应改进哪方面的工作？",
        "closing_satisfied": "感谢您的回答，您如果需要什么帮助，可随时跟我们取得联系，祝您生活愉快（节日快乐），再见！",
        "closing_other": "非常感谢您的反馈，这一点我们确实做得不够，我们很快就会有改进，希望您监督，"
                         "祝您生活愉快（节日快乐），再见！",
        "tip": "回访时间不宜过长，内容不宜过多；避免在客户休息时打扰客户。",
    },
    "en": {
        "opening": "Hello, this is {specialist} from {company} customer service. Am I speaking with "
                   "Mr./Ms. {customer}? Sorry to disturb you.",
        "question": "Thank you for choosing {company}. Are you satisfied with our service?",
        "follow_up_satisfied": "Do you have any suggestions for our service?",
        "follow_up_other": "Could you tell me what you were not satisfied with? / What should we improve?",
        "closing_satisfied": "Thank you for your answers. If you need any help, contact us at any time. "
                             "Have a pleasant day (happy holidays)! Goodbye!",
        "closing_other": "Thank you very much for your feedback. We have indeed fallen short here; we will "
                         "improve soon and hope you will keep an eye on us. Have a pleasant day (happy "
                         "holidays)! Goodbye!",
        "tip": "Keep the call short and to the point; never disturb customers in their rest time.",
    },
}


@dataclass
class Script:
    """The standard callback script, filled in for one callback."""

    opening: str
    question: str
    follow_up_satisfied: str
    follow_up_other: str
    closing_satisfied: str
    closing_other: str
    tip: str

    def follow_up(self, satisfaction: str | None) -> str:
        return self.follow_up_satisfied if satisfaction == "satisfied" else self.follow_up_other

    def closing(self, satisfaction: str | None) -> str:
        return self.closing_satisfied if satisfaction == "satisfied" else self.closing_other


def script_texts(language: str | None = None) -> dict[str, str]:
    """The script parts of LANGUAGE (the language in force by default): the team's edit, else the default."""
    language = language or current_language()
    base = dict(DEFAULT_SCRIPTS.get(language, DEFAULT_SCRIPTS["en"]))
    stored = team_settings.get(SCRIPT_KEY, None) or {}
    edited = stored.get(language) if isinstance(stored, dict) else None
    if isinstance(edited, dict):
        base.update({k: str(v) for k, v in edited.items() if k in SCRIPT_PARTS and str(v).strip()})
    return base


def standard_script(customer_name: str = "", specialist_name: str = "", company: str | None = None,
                    language: str | None = None) -> Script:
    """The standard script with the names filled in (unknown names stay as ××)."""
    company = company if company is not None else (team_settings.get(team_settings.COMPANY_NAME) or "")
    values = {"customer": customer_name or "××", "specialist": specialist_name or "××", "company": company or ""}

    def fill(text: str) -> str:
        try:
            return text.format(**values)
        except (KeyError, IndexError, ValueError):
            return text

    texts = script_texts(language)
    return Script(**{part: fill(texts[part]) for part in SCRIPT_PARTS})


@action("callbacks.set_script", EDIT_SETTINGS)
def set_script(actor: User, language: str, parts: dict[str, str]) -> None:
    """Store the team's own wording of the script for LANGUAGE (empty parts fall back to the default)."""
    if language not in DEFAULT_SCRIPTS:
        raise ValidationError(_("Unknown language."), "language")
    stored = team_settings.get(SCRIPT_KEY, None) or {}
    stored = dict(stored) if isinstance(stored, dict) else {}
    stored[language] = {k: v.strip() for k, v in parts.items() if k in SCRIPT_PARTS and v and v.strip()}
    team_settings.put(actor, SCRIPT_KEY, stored)


# -- hooks for the complaint area ----------------------------------------------------------------

def complaint_offer_available() -> bool:
    """Whether the record form may offer to open a complaint from an unsatisfied result.

    The complaint area exists: True. The complaint tab listens to the views'
    ``openComplaintDraft`` signal (customer id, text) and opens its intake form prefilled.
    """
    return True


def on_verification_result(callback: Callback) -> None:
    """A complaint's verification callback got its result: what it does to the complaint.

    Called by ``record_result`` inside its transaction, after CALLBACK (a refreshed row
    with ``complaint_id``, ``outcome``, ``satisfaction``, ``opinion``, ``done_by_id``) was
    stored as done. The complaint issue implements what each result does (e.g. satisfied →
    the complaint is verified; unsatisfied → it is re-opened), e.g. by calling
    ``desktop_cs.services.complaints`` here (import inside the function: no import cycle).
    Implemented by ``complaints.apply_verification_result``.
    """
    from desktop_cs.services import complaints
    complaints.apply_verification_result(callback)


# -- helpers ----------------------------------------------------------------------------------

def _purpose_label(code: str) -> str:
    return labels.label(labels.CALLBACK_PURPOSES, code)


def _method_label(code: str) -> str:
    return labels.label(labels.CALLBACK_METHODS, code)


def _stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y%m%d%H%M%S")


def _get(callback_id: int) -> Callback:
    """The callback (locked until the transaction ends when read inside one on the team server)."""
    callback = sql.for_update(Callback.select().where(Callback.id == callback_id)).first()
    if callback is None:
        raise NotFound(_("Callback {id} does not exist.").format(id=callback_id))
    return callback


def _customer(customer_id: int) -> Customer:
    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.deleted_at or customer.merged_into_id:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    return customer


def _check_own(actor: User, callback: Callback, name: str) -> None:
    """A specialist works on their own callbacks; a supervisor on any (refusals are audited)."""
    require_own(actor, callback.assigned_to_id == actor.id, name,
                _("You can only work on your own callbacks; ask your supervisor."))


def _check_version(callback: Callback, expected_version: int | None) -> None:
    if expected_version is not None and callback.version != expected_version:
        raise Conflict(_("Someone else changed this callback since you opened it. Close the form and open "
                         "it again."))


def _scope(actor: User, specialist_id: int | str | None) -> int | None:
    """The specialist a list is about (None = the whole team); others than oneself need ASSIGN."""
    if specialist_id is None or specialist_id == actor.id:
        return actor.id
    require(actor, ASSIGN, "callbacks.view_others")
    return None if specialist_id == TEAM else int(specialist_id)


def _rule(trigger: str) -> CallbackRule | None:
    """The active rule for TRIGGER (None when switched off)."""
    return CallbackRule.get_or_none((CallbackRule.trigger == trigger) & (CallbackRule.active == True))  # noqa: E712


def _due_within(cal: workcal.WorkCalendar, triggered_at: dt.datetime, days: int, preferred: str | None
                ) -> dt.datetime:
    """The due time of a callback to make within DAYS of TRIGGERED_AT: on the last allowed day before the
    deadline (the days before show it as upcoming), never before the trigger; after it only when the whole
    span is non-working."""
    deadline = triggered_at + dt.timedelta(days=days)
    slot = workcal.parse_slot(preferred)
    day = deadline.date()
    while day >= triggered_at.date():
        if cal.is_working_day(day):
            start = max(dt.datetime.combine(day, dt.time()), triggered_at)
            candidate = cal.next_allowed_time(start, slot)
            if candidate.date() == day and candidate <= deadline:
                return candidate
        day -= dt.timedelta(days=1)
    return cal.next_allowed_time(triggered_at, slot)


def _insert_rows(rows: list[dict], progress: Callable[[int, int], bool | None] | None = None,
                 done_before: int = 0, total: int | None = None) -> int:
    """Bulk-insert callback rows in batches, skipping trigger keys that exist; returns rows written."""
    written = 0
    total = total if total is not None else len(rows)
    raw = isinstance(database.obj, pw.SqliteDatabase)
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        if raw:
            written += _insert_raw(chunk)
        else:
            written += Callback.insert_many(chunk).on_conflict_ignore().as_rowcount().execute()
        if progress is not None and progress(done_before + start + len(chunk), total) is False:
            raise Cancelled(_("Stopped: nothing was created."))
    return written


def _insert_raw(rows: list[dict]) -> int:
    """``insert_many(rows).on_conflict_ignore()`` as one executemany (SQLite): the same columns, defaults and values,
    without peewee building the SQL of every row (a 75,000-customer import spent most of its time there)."""
    fields = [f for f in Callback._meta.sorted_fields if not isinstance(f, pw.AutoField)]
    names = {name for row in rows for name in row}
    used = [f for f in fields if f.name in names or f.default is not None]
    statement = 'INSERT OR IGNORE INTO "callback" ({}) VALUES ({})'.format(
        ", ".join(f'"{f.column_name}"' for f in used), ", ".join("?" * len(used)))

    def value(field: pw.Field, row: dict):
        if field.name in row:
            return field.db_value(row[field.name])
        default = field.default() if callable(field.default) else field.default
        return field.db_value(default)

    cursor = database.cursor()
    cursor.executemany(statement, [tuple(value(f, row) for f in used) for row in rows])
    return cursor.rowcount


# -- My day -----------------------------------------------------------------------------------

_ROW_COLUMNS = (Callback.id, Callback.customer, Callback.due_at, Callback.purpose, Callback.method,
                Callback.assigned_to, Callback.attempts, Callback.complaint, Callback.version,
                Customer.name, Customer.mobile, Customer.preferred_time, Customer.do_not_call,
                Tier.name, User.display_name)


def _rows_query(*where: pw.Expression):
    return (Callback.select(*_ROW_COLUMNS)
            .join(Customer, on=(Callback.customer == Customer.id))
            .join(Tier, pw.JOIN.LEFT_OUTER, on=(Customer.tier == Tier.id))
            .switch(Callback)
            .join(User, on=(Callback.assigned_to == User.id))
            .where(*where))


def _to_rows(query, now: dt.datetime) -> list[CallbackRow]:
    out = []
    for (cid, customer_id, due_at, purpose, method, assigned_to, attempts, complaint, version, name, mobile,
         preferred, dnc, tier, specialist) in query.tuples():
        if isinstance(due_at, str):
            due_at = dt.datetime.fromisoformat(due_at)
        out.append(CallbackRow(
            id=cid, customer_id=customer_id, customer_name=name, mobile=mask_mobile(mobile), tier=tier or "",
            due_at=due_at, purpose=_purpose_label(purpose), purpose_code=purpose, method=_method_label(method),
            method_code=method, specialist_id=assigned_to, specialist=specialist or "", attempts=attempts,
            overdue=due_at < now, preferred_time=preferred or "", do_not_call=bool(dnc), complaint_id=complaint,
            version=version))
    return out


def _open_where(assignee: int | None) -> list[pw.Expression]:
    where = [Callback.status == "open"]
    if assignee is not None:
        where.insert(0, Callback.assigned_to == assignee)
    return where


def _count(*where: pw.Expression) -> int:
    return Callback.select(pw.fn.COUNT(Callback.id)).where(*where).scalar() or 0


def _not_contacted(assignee: int | None, now: dt.datetime, limit: int) -> tuple[list[NotContactedRow], int]:
    threshold = now - dt.timedelta(days=NOT_CONTACTED_WARN_DAYS)
    where = [Customer.deleted_at.is_null(), Customer.merged_into.is_null(), Customer.first_contact_at.is_null(),
             Customer.assigned_at <= threshold]
    where.append(Customer.assigned_to == assignee if assignee is not None else Customer.assigned_to.is_null(False))
    # one scan gives the rows and the total (COUNT(*) OVER ()): the filter cannot use an index well
    rows = list(Customer.select(Customer.id, Customer.name, Customer.mobile, Customer.assigned_at, User.display_name,
                                pw.fn.COUNT(Customer.id).over().alias("total"))
                .join(User, on=(Customer.assigned_to == User.id)).where(*where)
                .order_by(Customer.assigned_at, Customer.id).limit(limit).tuples())
    count = rows[0][-1] if rows else 0
    out = []
    for cid, name, mobile, assigned_at, specialist, _total in rows:
        if isinstance(assigned_at, str):
            assigned_at = dt.datetime.fromisoformat(assigned_at)
        deadline = assigned_at + dt.timedelta(days=FIRST_CONTACT_DAYS)
        out.append(NotContactedRow(cid, name, mask_mobile(mobile), specialist or "", assigned_at, deadline,
                                   deadline <= now))
    return out, count


@action("callbacks.my_day", WORK_OWN)
def my_day(actor: User, specialist_id: int | str | None = None, limit: int = LIST_LIMIT) -> MyDay:
    """The daily desk view of ACTOR (default), another specialist (id) or the whole team ("team")."""
    assignee = _scope(actor, specialist_id)
    now = clock.now()
    midnight = dt.datetime.combine(now.date(), dt.time())
    tomorrow = midnight + dt.timedelta(days=1)
    horizon = tomorrow + dt.timedelta(days=UPCOMING_DAYS)
    base = _open_where(assignee)
    overdue_where = base + [Callback.due_at < now]
    today_where = base + [Callback.due_at >= now, Callback.due_at < tomorrow]
    upcoming_where = base + [Callback.due_at >= tomorrow, Callback.due_at < horizon]
    overdue = _to_rows(_rows_query(*overdue_where).order_by(Callback.due_at).limit(limit), now)
    due_today = _to_rows(_rows_query(*today_where).order_by(Callback.due_at).limit(limit), now)
    upcoming = _to_rows(_rows_query(*upcoming_where).order_by(Callback.due_at).limit(limit), now)
    not_contacted, not_contacted_count = _not_contacted(assignee, now, limit)
    handovers = unread_handovers(actor)

    def counted(rows: list, where: list) -> int:
        return len(rows) if len(rows) < limit else _count(*where)

    return MyDay(
        scope="own" if assignee == actor.id else ("team" if assignee is None else "specialist"),
        specialist_id=assignee, due_today=due_today, overdue=overdue, upcoming=upcoming,
        not_contacted=not_contacted, handovers=handovers,
        due_today_count=counted(due_today, today_where), overdue_count=counted(overdue, overdue_where),
        upcoming_count=counted(upcoming, upcoming_where), not_contacted_count=not_contacted_count,
        handover_count=len(handovers))


@action("callbacks.due_reminders", WORK_OWN)
def due_reminders(actor: User, now: dt.datetime | None = None, since: dt.datetime | None = None) -> Reminders:
    """ACTOR's callbacks falling due in the next 15 minutes, and those that became overdue since SINCE
    (since the start of today when None: the notice at start-up)."""
    now = now or clock.now()
    since = since or dt.datetime.combine(now.date(), dt.time())
    base = _open_where(actor.id)
    soon = _to_rows(_rows_query(*base, Callback.due_at >= now,
                                Callback.due_at <= now + dt.timedelta(minutes=REMINDER_MINUTES))
                    .order_by(Callback.due_at).limit(50), now)
    newly = _to_rows(_rows_query(*base, Callback.due_at >= since, Callback.due_at < now)
                     .order_by(Callback.due_at).limit(50), now)
    return Reminders(soon, newly, _count(*base, Callback.due_at < now))


# -- one callback ------------------------------------------------------------------------------

def _attempt_rows(callback_id: int) -> list[AttemptRow]:
    names = dict(User.select(User.id, User.display_name).tuples())
    return [AttemptRow(a.at, names.get(a.by_id, ""), _method_label(a.method),
                       labels.label(labels.CALLBACK_OUTCOMES, a.outcome), a.outcome, a.note)
            for a in CallbackAttempt.select().where(CallbackAttempt.callback == callback_id)
            .order_by(CallbackAttempt.at, CallbackAttempt.id)]


def failed_phone_attempts(callback_id: int) -> int:
    """Phone attempts of the callback that did not reach the customer."""
    return (CallbackAttempt.select(pw.fn.COUNT(CallbackAttempt.id))
            .where((CallbackAttempt.callback == callback_id) & (CallbackAttempt.method == "phone")
                   & (CallbackAttempt.outcome != "reached")).scalar() or 0)


@action("callbacks.detail", LOOKUP)
def callback_detail(actor: User, callback_id: int) -> CallbackDetail:
    """One callback with its customer, attempt history and what the form may do."""
    now = clock.now()
    rows = _to_rows(_rows_query(Callback.id == callback_id), now)
    if not rows:
        raise NotFound(_("Callback {id} does not exist.").format(id=callback_id))
    c = _get(callback_id)
    failed = failed_phone_attempts(callback_id)
    campaign = Campaign.get_or_none(Campaign.id == c.campaign_id).name if c.campaign_id else ""
    return CallbackDetail(
        row=rows[0], status=c.status, outcome=c.outcome, satisfaction=c.satisfaction, opinion=c.opinion,
        suggestions=c.suggestions, duration_seconds=c.duration_seconds, next_step=c.next_step, notes=c.notes,
        triggered_at=c.triggered_at, attempts=_attempt_rows(callback_id), failed_phone_attempts=failed,
        suggest_sms=c.method == "phone" and failed >= SMS_AFTER_FAILED_PHONE, is_verification=c.complaint_id
        is not None, can_record=c.status == "open" and (c.assigned_to_id == actor.id or allowed(actor, ASSIGN)),
        campaign=campaign)


def _check_choice(errors: dict, name: str, value, allowed_values: Iterable, message: str) -> None:
    if value not in allowed_values:
        errors[name] = message


@action("callbacks.schedule", WORK_OWN)
def schedule(actor: User, customer_id: int, due_at: dt.datetime, purpose: str, method: str = "phone",
             assigned_to_id: int | None = None, notes: str = "", confirm_quiet: bool = False) -> int:
    """Plan a callback by hand; a time in quiet hours or on a non-working day raises QuietHoursWarning
    unless CONFIRM_QUIET (the user was asked and kept it)."""
    customer = _customer(customer_id)
    require_own(actor, customer.assigned_to_id == actor.id, "callbacks.schedule",   # own customers only
                _("You can only plan callbacks for your own customers; ask your supervisor."))
    assignee_id = assigned_to_id or customer.assigned_to_id or actor.id
    if assignee_id not in (actor.id, customer.assigned_to_id):
        require(actor, ASSIGN, "callbacks.schedule_for_other")
    errors: dict[str, str] = {}
    _check_choice(errors, "purpose", purpose, PURPOSES, _("Choose the purpose."))
    _check_choice(errors, "method", method, METHODS, _("Choose how to contact the customer."))
    now = clock.now()
    if due_at is None:
        errors["due_at"] = _("Choose when to call.")
    elif due_at < now - dt.timedelta(minutes=1):
        errors["due_at"] = _("The time is in the past.")
    if customer.do_not_call and method in ("phone", "sms"):
        errors["method"] = _("This customer asked not to be called: choose email or QQ / WeChat.")
    if len(notes or "") > 2000:
        errors["notes"] = _("The note is too long (2000 characters at most).")
    assignee = User.get_or_none(User.id == assignee_id)
    if assignee is None or not assignee.active:
        errors["assigned_to"] = _("Choose an active team member.")
    if errors:
        raise FormErrors(errors)
    due_at = due_at.replace(microsecond=0)
    cal = workcal.snapshot()
    if not confirm_quiet and not cal.is_allowed(due_at):
        suggestion = cal.next_allowed_time(due_at, customer.preferred_time)
        reason = (_("{day} is not a working day.").format(day=due_at.strftime("%Y-%m-%d"))
                  if not cal.is_working_day(due_at.date()) else
                  _("{time} is in the customers' quiet hours.").format(time=due_at.strftime("%H:%M")))
        raise QuietHoursWarning(_("{reason} The next suitable time is {suggestion}.").format(
            reason=reason, suggestion=suggestion.strftime("%Y-%m-%d %H:%M")), suggestion)
    with database.atomic():
        callback = Callback.create(customer=customer_id, assigned_to=assignee_id, due_at=due_at, purpose=purpose,
                                   method=method, notes=(notes or "").strip(), created_by=actor, created_at=now)
        audit.record(actor, "callback_scheduled", entity="callback", entity_id=callback.id, customer_id=customer_id,
                     summary=due_at.isoformat(sep=" "),
                     details={"purpose": purpose, "method": method, "assigned_to": assignee_id,
                              "quiet_confirmed": bool(confirm_quiet and not cal.is_allowed(due_at))})
        return callback.id


@action("callbacks.record_result", WORK_OWN)
def record_result(actor: User, callback_id: int, outcome: str | None, satisfaction: str | None = None,
                  opinion: str = "", suggestions: str = "", duration_seconds: int | None = None,
                  next_step: str | None = None, notes: str = "", expected_version: int | None = None
                  ) -> RecordResult:
    """Record the result and mark the callback done ("every callback recorded completely").

    Reached needs satisfaction, opinion and next step (FormErrors names each missing field);
    wrong number or refused closes the callback with the attempt logged; no answer and
    phone off are not a result: the callback is rescheduled instead (``reschedule``).
    """
    callback = _get(callback_id)
    _check_own(actor, callback, "callbacks.record_result")
    errors: dict[str, str] = {}
    opinion, suggestions, notes = (opinion or "").strip(), (suggestions or "").strip(), (notes or "").strip()
    if outcome not in OUTCOMES:
        errors["outcome"] = _("Choose whether the customer was reached.")
    elif outcome in NOT_REACHED:
        errors["outcome"] = _("Not reached: reschedule the callback (later today, tomorrow or a time you pick).")
    elif outcome == "reached":
        _check_choice(errors, "satisfaction", satisfaction, SATISFACTIONS, _("Choose the customer's satisfaction."))
        if not opinion:
            errors["opinion"] = _("Write the customer's opinion of the company.")
        _check_choice(errors, "next_step", next_step, NEXT_STEPS, _("Choose what follows."))
    if duration_seconds is not None and not (0 <= int(duration_seconds) <= 4 * 3600):
        errors["duration"] = _("The duration is between 0 and 4 hours.")
    for name, text in (("opinion", opinion), ("suggestions", suggestions), ("notes", notes)):
        if len(text) > 2000:
            errors[name] = _("Too long (2000 characters at most).")
    if errors:
        raise FormErrors(errors)
    now = clock.now()
    reached = outcome == "reached"
    with database.atomic():
        callback = _get(callback_id)
        _check_version(callback, expected_version)
        if callback.status != "open":
            raise ValidationError(_("This callback was recorded already."), "outcome")
        values = dict(status="done", outcome=outcome, satisfaction=satisfaction if reached else None,
                      opinion=opinion, suggestions=suggestions,
                      duration_seconds=int(duration_seconds) if duration_seconds is not None else None,
                      next_step=next_step if reached else (next_step if next_step in NEXT_STEPS else "none"),
                      notes=notes, done_at=now, done_by=actor.id, attempts=Callback.attempts + 1,
                      version=Callback.version + 1)
        Callback.update(**values).where(Callback.id == callback_id).execute()
        CallbackAttempt.create(callback=callback_id, at=now, by=actor, method=callback.method, outcome=outcome,
                               note=notes[:500])
        if reached:
            customers.note_contact(callback.customer_id, actor.id, now)
        audit.record(actor, "callback_recorded", entity="callback", entity_id=callback_id,
                     customer_id=callback.customer_id, summary=outcome,
                     details={"satisfaction": satisfaction if reached else None, "next_step": values["next_step"]})
        stored = _get(callback_id)
        verification = stored.complaint_id is not None
        if verification:
            on_verification_result(stored)
    offer = (reached and not verification and (satisfaction == "unsatisfied" or next_step == "complaint"))
    text = "\n".join(t for t in (opinion, suggestions) if t)
    return RecordResult(callback_id, callback.customer_id, "done", offer_complaint=offer, complaint_text=text,
                        follow_up=reached and next_step == "callback", verification=verification)


def _when(cal: workcal.WorkCalendar, when: str | dt.datetime, now: dt.datetime, preferred: str) -> dt.datetime:
    if isinstance(when, dt.datetime):
        return when.replace(microsecond=0)
    if when == "later_today":     # two hours on; when nothing is left today, the first allowed time after
        return cal.next_allowed_time(now + dt.timedelta(hours=2), preferred)
    if when == "tomorrow":
        start = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time())
        return cal.next_allowed_time(start, preferred)
    raise ValidationError(_("Choose when to call again."), "when")


@action("callbacks.reschedule", WORK_OWN)
def reschedule(actor: User, callback_id: int, when: str | dt.datetime, outcome: str | None = None,
               note: str = "", method: str | None = None, expected_version: int | None = None,
               confirm_quiet: bool = False) -> RescheduleResult:
    """Move an open callback ("later_today", "tomorrow" or a time); with OUTCOME the attempt just made is
    logged and counted. "later_today" and "tomorrow" always land outside quiet hours on a working day; a
    picked time there raises QuietHoursWarning unless CONFIRM_QUIET. METHOD switches the contact method
    (e.g. to SMS after 3 failed phone attempts)."""
    callback = _get(callback_id)
    _check_own(actor, callback, "callbacks.reschedule")
    if outcome is not None and outcome not in OUTCOMES:
        raise ValidationError(_("Choose whether the customer was reached."), "outcome")
    if method is not None and method not in METHODS:
        raise ValidationError(_("Choose how to contact the customer."), "method")
    now = clock.now()
    customer = Customer.get_by_id(callback.customer_id)
    cal = workcal.snapshot()
    due = _when(cal, when, now, customer.preferred_time)
    if due < now - dt.timedelta(minutes=1):
        raise ValidationError(_("The time is in the past."), "when")
    if isinstance(when, dt.datetime) and not confirm_quiet and not cal.is_allowed(due):
        suggestion = cal.next_allowed_time(due, customer.preferred_time)
        raise QuietHoursWarning(_("{time} is in quiet hours or on a non-working day. The next suitable time "
                                  "is {suggestion}.").format(time=due.strftime("%Y-%m-%d %H:%M"),
                                                             suggestion=suggestion.strftime("%Y-%m-%d %H:%M")),
                                suggestion)
    with database.atomic():
        callback = _get(callback_id)
        _check_version(callback, expected_version)
        if callback.status != "open":
            raise ValidationError(_("Only an open callback can be rescheduled."), "when")
        old_due, old_method = callback.due_at, callback.method
        update = {Callback.due_at: due, Callback.version: Callback.version + 1}
        attempts = callback.attempts
        if outcome is not None:
            CallbackAttempt.create(callback=callback_id, at=now, by=actor, method=callback.method, outcome=outcome,
                                   note=(note or "").strip()[:500])
            attempts += 1
            update[Callback.attempts] = Callback.attempts + 1
            if outcome == "reached":
                customers.note_contact(callback.customer_id, actor.id, now)
        if method is not None:
            update[Callback.method] = method
        if note and outcome is None:
            update[Callback.notes] = ((callback.notes + "\n") if callback.notes else "") + note.strip()
        Callback.update(update).where(Callback.id == callback_id).execute()
        audit.record(actor, "callback_rescheduled", entity="callback", entity_id=callback_id,
                     customer_id=callback.customer_id, summary=f"{old_due} -> {due}",
                     details={"from": str(old_due), "to": str(due), "outcome": outcome,
                              "method": [old_method, method] if method and method != old_method else None})
    failed = failed_phone_attempts(callback_id)
    final_method = method or callback.method
    return RescheduleResult(callback_id, callback.customer_id, due, attempts, failed,
                            suggest_sms=final_method == "phone" and failed >= SMS_AFTER_FAILED_PHONE)


@action("callbacks.reassign", ASSIGN)
def reassign(actor: User, callback_id: int, specialist_id: int) -> None:
    """Give an open callback to another team member (audited)."""
    target = User.get_or_none(User.id == specialist_id)
    if target is None or not target.active:
        raise ValidationError(_("Choose an active team member."), "assigned_to")
    with database.atomic():
        callback = _get(callback_id)
        if callback.status != "open":
            raise ValidationError(_("Only an open callback can be reassigned."), "assigned_to")
        if callback.assigned_to_id == specialist_id:
            return
        Callback.update(assigned_to=specialist_id, version=Callback.version + 1).where(
            Callback.id == callback_id).execute()
        audit.record(actor, "callback_reassigned", entity="callback", entity_id=callback_id,
                     customer_id=callback.customer_id, summary=f"{callback.assigned_to_id} -> {specialist_id}",
                     details={"from": callback.assigned_to_id, "to": specialist_id})


@action("callbacks.cancel", WORK_OWN)
def cancel(actor: User, callback_id: int, reason: str) -> None:
    """Cancel an open callback that is no longer needed; the reason is kept and audited."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Give the reason for cancelling."), "reason")
    callback = _get(callback_id)
    _check_own(actor, callback, "callbacks.cancel")
    with database.atomic():
        updated = Callback.update(status="cancelled", notes=pw.fn.TRIM(Callback.notes.concat("\n").concat(reason)),
                                  version=Callback.version + 1).where(
            (Callback.id == callback_id) & (Callback.status == "open")).execute()
        if not updated:
            raise ValidationError(_("Only an open callback can be cancelled."))
        audit.record(actor, "callback_cancelled", entity="callback", entity_id=callback_id,
                     customer_id=callback.customer_id, summary=reason)


# -- rules that create callbacks by themselves -----------------------------------------------------

def create_first_contact(actor: User | None, customer_ids: list[int], specialist_id: int,
                         assigned_at: dt.datetime, move_open: bool = True) -> int:
    """The first-contact callback of customers just (re)assigned to SPECIALIST_ID (rule "assignment").

    Called by ``assignment._assign`` inside its transaction. A superseded open first
    contact (the previous assignment's) is cancelled; with MOVE_OPEN the customers' other
    open callbacks follow them to the new specialist (a handover moves them itself).
    Idempotent: the trigger key is ``assign:<customer>:<specialist>:<assigned_at>``. Do-not-call
    customers get none. Returns how many callbacks were written.
    """
    if not customer_ids:
        return 0
    rule = _rule("assignment")
    cal = workcal.snapshot() if rule else None
    written = superseded = 0
    stamp = _stamp(assigned_at)
    for start in range(0, len(customer_ids), 500):
        chunk = customer_ids[start:start + 500]
        superseded += Callback.update(
            status="cancelled", version=Callback.version + 1,
            notes=Callback.notes.concat(_("(replaced: the customer was reassigned)"))).where(
            Callback.customer.in_(chunk) & (Callback.status == "open") & Callback.trigger_key.startswith("assign:")
            & (Callback.assigned_to != specialist_id)).execute()
        if move_open:
            moved = list(Callback.select(Callback.id, Callback.customer, Callback.assigned_to).where(
                Callback.customer.in_(chunk) & (Callback.status == "open")
                & (Callback.assigned_to != specialist_id)).tuples())
            if moved:
                Callback.update(assigned_to=specialist_id, version=Callback.version + 1).where(
                    Callback.id.in_([m[0] for m in moved])).execute()
                for cb_id, customer_id, old in moved:
                    audit.record(actor, "callback_reassigned", entity="callback", entity_id=cb_id,
                                 customer_id=customer_id, summary=f"{old} -> {specialist_id}",
                                 details={"from": old, "to": specialist_id, "reason": "assignment"})
        if rule is None:
            continue
        rows = []
        for cid, preferred, dnc in (Customer.select(Customer.id, Customer.preferred_time, Customer.do_not_call)
                                    .where(Customer.id.in_(chunk)).tuples()):
            if dnc:
                continue
            rows.append({"customer": cid, "assigned_to": specialist_id,
                         "due_at": _due_within(cal, assigned_at, rule.delay_days or FIRST_CONTACT_DAYS, preferred),
                         "purpose": rule.purpose, "method": rule.method, "status": "open",
                         "triggered_at": assigned_at, "trigger_key": f"assign:{cid}:{specialist_id}:{stamp}", "rule": rule.id,
                         "created_at": assigned_at, "created_by": actor.id if actor else None})
        written += _insert_rows(rows)
    if written or superseded:      # one entry per batch (the assignments are audited one by one)
        audit.record(actor, "first_contacts_created", entity="callback",
                     customer_id=customer_ids[0] if len(customer_ids) == 1 else None,
                     summary=str(written), details={"created": written, "superseded": superseded,
                                                    "specialist": specialist_id,
                                                    "customers": len(customer_ids)})
    return written


@action("callbacks.schedule_complaint_verification", WORK_OWN)
def schedule_complaint_verification(actor: User, complaint_id: int) -> int | None:
    """The verification callback of a resolved complaint, due within 3 days of its resolution (hook for the
    complaint issue: call it inside or after the "resolve" write).

    Assigned to the customer's specialist (active), else the complaint's handler. Returns
    the callback id (the existing one when called twice for the same resolution), or None
    when the rule is switched off or the customer asked not to be called.
    """
    complaint = Complaint.get_or_none(Complaint.id == complaint_id)
    if complaint is None:
        raise NotFound(_("Complaint {id} does not exist.").format(id=complaint_id))
    if complaint.customer_id is None:
        raise ValidationError(_("A complaint from an unknown caller has no customer to call back."), "customer")
    owner_id = Customer.get_by_id(complaint.customer_id).assigned_to_id
    require_own(actor, actor.id in (complaint.handler_id, owner_id), "callbacks.schedule_complaint_verification")
    resolved_at = complaint.resolved_at or clock.now()
    key = f"complaint:{complaint_id}:{_stamp(resolved_at)}"
    existing = Callback.get_or_none(Callback.trigger_key == key)
    if existing is not None:
        return existing.id
    rule = _rule("complaint_resolved")
    customer = Customer.get_by_id(complaint.customer_id)
    if rule is None or customer.do_not_call:
        return None
    owner = User.get_or_none(User.id == customer.assigned_to_id) if customer.assigned_to_id else None
    assignee = owner.id if owner is not None and owner.active else complaint.handler_id
    due = _due_within(workcal.snapshot(), max(resolved_at, clock.now()), rule.delay_days or ON_TIME_DAYS,
                      customer.preferred_time)
    with database.atomic():
        Callback.insert(customer=customer.id, assigned_to=assignee, due_at=due, purpose=rule.purpose,
                        method=rule.method, triggered_at=resolved_at, trigger_key=key, rule=rule.id,
                        complaint=complaint_id, created_at=clock.now(), created_by=actor.id).on_conflict_ignore(
        ).execute()
        callback = Callback.get(Callback.trigger_key == key)
        audit.record(actor, "callback_scheduled", entity="callback", entity_id=callback.id, customer_id=customer.id,
                     summary=due.isoformat(sep=" "), details={"rule": "complaint_resolved", "complaint": complaint_id})
        return callback.id


@action("callbacks.run_periodic_care", WORK_OWN)
def run_periodic_care(actor: User, today: dt.date | None = None) -> CareResult:
    """Periodic care by tier: a callback for each customer not contacted for the tier's interval.

    Idempotent per customer and period (key ``care:<customer>:<basis day>:<period>``, the
    basis being the last contact, else the assignment). Customers of deactivated or no
    specialist and do-not-call customers get none. Safe to run at every start.
    """
    today = today or clock.today()
    now = clock.now()
    rule = _rule("tier_periodic")
    if rule is None:
        return CareResult(0, 0, 0)
    cal = workcal.snapshot()
    active = [u.id for u in User.select(User.id).where(User.active == True)]  # noqa: E712
    rows: list[dict] = []
    candidates = skipped = 0
    has_open_care = (Callback.select(Callback.id).where(
        (Callback.customer == Customer.id) & (Callback.status == "open") & (Callback.purpose == rule.purpose)))
    for tier in Tier.select().where((Tier.active == True) & (Tier.callback_interval_days > 0)):  # noqa: E712
        interval = tier.callback_interval_days
        threshold = dt.datetime.combine(today + dt.timedelta(days=CARE_LOOKAHEAD_DAYS - interval), dt.time.max)
        basis = pw.fn.COALESCE(Customer.last_contact_at, Customer.assigned_at, Customer.created_at)
        query = (Customer.select(Customer.id, Customer.assigned_to, Customer.preferred_time, Customer.do_not_call,
                                 basis.alias("basis"))
                 .where(Customer.deleted_at.is_null(), Customer.merged_into.is_null(), Customer.tier == tier.id,
                        Customer.assigned_to.in_(active), basis <= threshold, ~pw.fn.EXISTS(has_open_care))
                 .tuples())
        for cid, assignee, preferred, dnc, basis_value in query:
            candidates += 1
            if dnc:
                skipped += 1
                continue
            if isinstance(basis_value, str):
                basis_value = dt.datetime.fromisoformat(basis_value)
            basis_day = basis_value.date()
            due_day = basis_day + dt.timedelta(days=interval)
            period = max(0, (today - due_day).days // interval)
            start = max(dt.datetime.combine(due_day, dt.time()), now)
            rows.append({"customer": cid, "assigned_to": assignee,
                         "due_at": cal.next_allowed_time(start, preferred), "purpose": rule.purpose,
                         "method": rule.method, "status": "open", "triggered_at": None,
                         "trigger_key": f"care:{cid}:{basis_day.isoformat()}:{period}", "rule": rule.id,
                         "created_at": now, "created_by": actor.id})
    with database.atomic():
        created = _insert_rows(rows)
        if created:
            audit.record(actor, "periodic_care_run", entity="callback", summary=str(created),
                         details={"created": created, "candidates": candidates, "do_not_call": skipped})
    return CareResult(created, candidates, skipped)


# -- campaigns ------------------------------------------------------------------------------------

def _balanced_plan(customer_rows: list[tuple[int, int | None]], specialist_ids: list[int]) -> dict[int, list[int]]:
    """Share the customers among the specialists, counts differing by at most one; a customer goes to their
    own specialist while that one's share lasts."""
    n, k = len(customer_rows), len(specialist_ids)
    own = Counter(owner for _cid, owner in customer_rows if owner in set(specialist_ids))
    order = sorted(specialist_ids, key=lambda s: (-own.get(s, 0), s))
    quota = {sid: n // k + (1 if i < n % k else 0) for i, sid in enumerate(order)}
    plan: dict[int, list[int]] = {sid: [] for sid in specialist_ids}
    rest = []
    for cid, owner in customer_rows:
        if owner in plan and len(plan[owner]) < quota[owner]:
            plan[owner].append(cid)
        else:
            rest.append(cid)
    free = iter([sid for sid in order for _i in range(quota[sid] - len(plan[sid]))])
    for cid in rest:
        plan[next(free)].append(cid)
    return plan


def campaign_rows(campaign_id: int, plan: dict[int, list[int]], days: list[dt.date], purpose: str, method: str,
                  preferred: dict[int, str], cal: workcal.WorkCalendar, now: dt.datetime, actor_id: int
                  ) -> list[dict]:
    """The callback rows of a campaign: each specialist's customers spread evenly over DAYS and over the
    allowed hours of each day, moved into the customer's preferred slot when they have one."""
    windows = cal.windows
    minutes = sum(end - start for start, end in windows)
    rows = []
    for sid, ids in plan.items():
        m = len(ids)
        per_day: dict[int, int] = Counter(i * len(days) // m for i in range(m)) if m else Counter()
        seen: Counter = Counter()
        for i, cid in enumerate(ids):
            d = i * len(days) // m
            j = seen[d]
            seen[d] += 1
            offset = j * minutes // per_day[d]
            for start, end in windows:
                if offset < end - start:
                    minute = start + offset
                    break
                offset -= end - start
            else:
                minute = windows[0][0]
            due = dt.datetime.combine(days[d], dt.time()) + dt.timedelta(minutes=minute)
            slot = preferred.get(cid)
            if slot:
                due = cal.next_allowed_time(dt.datetime.combine(days[d], dt.time()), slot)
            if due < now:
                due = cal.next_allowed_time(now, slot)
            rows.append({"customer": cid, "assigned_to": sid, "due_at": due, "purpose": purpose, "method": method,
                         "status": "open", "triggered_at": None, "trigger_key": f"campaign:{campaign_id}:{cid}",
                         "campaign": campaign_id, "created_at": now, "created_by": actor_id})
    return rows


def _campaign_inputs(actor: User, query: customers.CustomerQuery) -> tuple[list[tuple[int, int | None]], dict, int]:
    """(customer id, own specialist) of the customers QUERY picks, their preferred slots, and how many
    were skipped as do-not-call."""
    query = customers.CustomerQuery(**{**query.__dict__, "all_customers": True, "deleted": False})
    picked = []
    preferred: dict[int, str] = {}
    skipped = 0
    for cid, owner, slot, dnc in (Customer.select(Customer.id, Customer.assigned_to, Customer.preferred_time,
                                                  Customer.do_not_call)
                                  .where(*customers.customer_filter(actor, query)).order_by(Customer.id).tuples()):
        if dnc:
            skipped += 1
            continue
        picked.append((cid, owner))
        if slot and workcal.parse_slot(slot):
            preferred[cid] = slot
    return picked, preferred, skipped


@action("callbacks.campaign_preview", ASSIGN)
def campaign_preview(actor: User, query: customers.CustomerQuery) -> tuple[int, int]:
    """(customers the campaign would call, do-not-call customers it would skip) for QUERY."""
    query = customers.CustomerQuery(**{**query.__dict__, "all_customers": True, "deleted": False})
    where = customers.customer_filter(actor, query)
    total = Customer.select(pw.fn.COUNT(Customer.id)).where(*where).scalar() or 0
    dnc = Customer.select(pw.fn.COUNT(Customer.id)).where(*where, Customer.do_not_call == True).scalar() or 0  # noqa
    return total - dnc, dnc


@action("callbacks.create_campaign", ASSIGN)
def create_campaign(actor: User, name: str, purpose: str, method: str, query: customers.CustomerQuery,
                    start: dt.date, end: dt.date, progress: Callable[[int, int], bool | None] | None = None
                    ) -> CampaignResult:
    """A special-period campaign: the customers QUERY picks (archive filters), spread over the working days
    from START to END and balanced over the active specialists (counts differ by at most one).

    PROGRESS(done, total) is called after each batch; returning False stops and writes
    nothing (``Cancelled``). Do-not-call customers are skipped.
    """
    began = time.perf_counter()
    name = (name or "").strip()
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Name the campaign (e.g. Mid-Autumn greetings).")
    elif len(name) > 64:
        errors["name"] = _("The name is too long (64 characters at most).")
    _check_choice(errors, "purpose", purpose, PURPOSES, _("Choose the purpose."))
    _check_choice(errors, "method", method, METHODS, _("Choose how to contact the customers."))
    today = clock.today()
    if start is None or end is None or start > end:
        errors["dates"] = _("The campaign ends on or after its first day.")
    elif start < today:
        errors["dates"] = _("The campaign cannot start in the past.")
    elif (end - start).days > 366:
        errors["dates"] = _("A campaign lasts a year at most.")
    cal = workcal.snapshot()
    days = cal.working_days(start, end) if "dates" not in errors else []
    if "dates" not in errors and not days:
        errors["dates"] = _("There is no working day in this period.")
    specialists = [u.id for u in User.select(User.id).where((User.role == "specialist") & (User.active == True))  # noqa
                   .order_by(User.id)]
    if not specialists:
        errors["specialists"] = _("There is no active specialist to give the callbacks to.")
    if errors:
        raise FormErrors(errors)
    picked, preferred, skipped = _campaign_inputs(actor, query)
    if not picked:
        raise ValidationError(_("No customer matches these filters (do-not-call customers are left out)."),
                              "filters")
    now = clock.now()
    if days[0] == today and cal.next_allowed_time(now).date() != today:
        days = days[1:] or [cal.next_allowed_time(now).date()]
    plan = _balanced_plan(picked, specialists)
    with database.atomic():
        campaign = Campaign.create(name=name, purpose=purpose, method=method, start_date=start, end_date=end,
                                   created_by=actor, created_at=now)
        rows = campaign_rows(campaign.id, plan, days, purpose, method, preferred, cal, now, actor.id)
        if progress is not None and progress(0, len(rows)) is False:
            raise Cancelled(_("Stopped: nothing was created."))
        created = _insert_rows(rows, progress)
        audit.record(actor, "campaign_created", entity="campaign", entity_id=campaign.id, summary=name,
                     details={"callbacks": created, "do_not_call": skipped, "start": start.isoformat(),
                              "end": end.isoformat(), "purpose": purpose, "method": method})
    return CampaignResult(campaign.id, created, skipped, {sid: len(ids) for sid, ids in plan.items()},
                          time.perf_counter() - began)


# -- the rule table -----------------------------------------------------------------------------

def list_rules() -> list[RuleRow]:
    return [RuleRow(r.id, r.name, r.trigger, labels.label(labels.CALLBACK_RULE_TRIGGERS, r.trigger), r.delay_days, r.purpose,
                    r.method, bool(r.active)) for r in CallbackRule.select().order_by(CallbackRule.id)]


@action("callbacks.save_rule", EDIT_SETTINGS)
def save_rule(actor: User, rule_id: int, name: str, delay_days: int, purpose: str, method: str,
              active: bool) -> None:
    """Change one rule (its trigger is fixed); audited with the changes."""
    errors: dict[str, str] = {}
    name = (name or "").strip()
    if not name or len(name) > 64:
        errors["name"] = _("Name the rule (64 characters at most).")
    if not isinstance(delay_days, int) or not 0 <= delay_days <= 365:
        errors["delay_days"] = _("The delay is between 0 and 365 days.")
    _check_choice(errors, "purpose", purpose, PURPOSES, _("Choose the purpose."))
    _check_choice(errors, "method", method, METHODS, _("Choose how to contact the customer."))
    if errors:
        raise FormErrors(errors)
    with database.atomic():
        rule = CallbackRule.get_or_none(CallbackRule.id == rule_id)
        if rule is None:
            raise NotFound(_("This rule does not exist any more."))
        new = {"name": name, "delay_days": delay_days, "purpose": purpose, "method": method, "active": bool(active)}
        changes = {k: [getattr(rule, k), v] for k, v in new.items() if getattr(rule, k) != v}
        if not changes:
            return
        CallbackRule.update(**new).where(CallbackRule.id == rule_id).execute()
        audit.record(actor, "callback_rule_saved", entity="callback_rule", entity_id=rule_id, summary=rule.trigger,
                     details={"changes": changes})


# -- the three musts ----------------------------------------------------------------------------------

@action("callbacks.three_musts", WORK_OWN)
def three_musts(actor: User, date_from: dt.date, date_to: dt.date, specialist_id: int | None = None
                ) -> ThreeMusts:
    """The three musts for the days DATE_FROM..DATE_TO, for one specialist or (None, supervisors) the team.

    - member coverage: member-tier customers reached by a callback in the period / all of them;
    - recorded: callbacks due in the period (and due by now) that are done or have their
      attempts logged / all of those;
    - on time: event-triggered callbacks (triggered in the period, deadline passed or done)
      done within 3 calendar days of the trigger (first contacts: 7 days) / all of those;
    - overdue: open callbacks due in the period whose time has passed.
    A specialist sees only their own figures.
    """
    if specialist_id is None and not allowed(actor, ASSIGN):
        specialist_id = actor.id
    elif specialist_id is not None and specialist_id != actor.id:
        require(actor, ASSIGN, "callbacks.three_musts_others")
    now = clock.now()
    lo = dt.datetime.combine(date_from, dt.time())
    hi = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())
    mine = [Callback.assigned_to == specialist_id] if specialist_id else []

    members = (Customer.select(Customer.id).join(Tier, on=(Customer.tier == Tier.id))
               .where(Tier.is_member == True, Customer.deleted_at.is_null(),  # noqa: E712
                      Customer.merged_into.is_null(),
                      *([Customer.assigned_to == specialist_id] if specialist_id else [])))
    member_total = members.count()
    reached = (Callback.select(Callback.customer).where(
        Callback.customer.in_(members), Callback.status == "done", Callback.outcome == "reached",
        Callback.done_at >= lo, Callback.done_at < hi).distinct())
    member_reached = reached.count()

    due = [*mine, Callback.due_at >= lo, Callback.due_at < min(hi, now), Callback.status != "cancelled"]
    due_total = _count(*due)
    recorded = _count(*due, (Callback.status == "done") | (Callback.attempts > 0))

    first_contact = Callback.trigger_key.startswith("assign:")
    limit_3 = sql.plus_days(Callback.triggered_at, ON_TIME_DAYS)
    limit_7 = sql.plus_days(Callback.triggered_at, FIRST_CONTACT_DAYS)
    deadline = pw.Case(None, [(first_contact, limit_7)], limit_3)
    triggered = [*mine, Callback.triggered_at.is_null(False), Callback.triggered_at >= lo, Callback.triggered_at < hi,
                 Callback.status != "cancelled"]
    measured = [*triggered, (Callback.status == "done") | (deadline < now)]
    on_time_total = _count(*measured)
    on_time = _count(*triggered, Callback.status == "done", Callback.done_at <= deadline)
    overdue = _count(*mine, Callback.status == "open", Callback.due_at >= lo, Callback.due_at < min(hi, now))
    return ThreeMusts(date_from, date_to, specialist_id, Share(member_reached, member_total),
                      Share(recorded, due_total), Share(on_time, on_time_total), overdue)


# -- shift handover (交接班记录) --------------------------------------------------------------------

def _handover_rows(query, read_ids: set[int]) -> list[HandoverRow]:
    items = list(query)
    names = dict(User.select(User.id, User.display_name).tuples())
    customer_ids = set()
    parsed = []
    for h in items:
        try:
            links = json.loads(h.links or "{}")
        except ValueError:
            links = {}
        cids = [int(c) for c in links.get("customers", [])]
        customer_ids.update(cids)
        parsed.append((h, cids, [int(c) for c in links.get("callbacks", [])]))
    customer_names = dict(Customer.select(Customer.id, Customer.name).where(Customer.id.in_(list(customer_ids)))
                          .tuples()) if customer_ids else {}
    return [HandoverRow(h.id, h.author_id, names.get(h.author_id, ""), h.created_at, h.body,
                        [(c, customer_names.get(c, "")) for c in cids], cbs, h.id in read_ids)
            for h, cids, cbs in parsed]


@action("callbacks.write_handover", WORK_OWN)
def write_handover(actor: User, body: str, customer_ids: Iterable[int] = (), callback_ids: Iterable[int] = ()
                   ) -> int:
    """A shift handover note: what the next shift must follow up, with links to customers and callbacks."""
    body = (body or "").strip()
    errors: dict[str, str] = {}
    if not body:
        errors["body"] = _("Write what the next shift must follow up.")
    elif len(body) > 4000:
        errors["body"] = _("The note is too long (4000 characters at most).")
    cids = sorted({int(c) for c in customer_ids})
    cbs = sorted({int(c) for c in callback_ids})
    if cids and Customer.select().where(Customer.id.in_(cids)).count() != len(cids):
        errors["customers"] = _("A linked customer does not exist.")
    if cbs and Callback.select().where(Callback.id.in_(cbs)).count() != len(cbs):
        errors["callbacks"] = _("A linked callback does not exist.")
    if errors:
        raise FormErrors(errors)
    with database.atomic():
        handover = Handover.create(author=actor, created_at=clock.now(), body=body,
                                   links=json.dumps({"customers": cids, "callbacks": cbs}, sort_keys=True))
        audit.record(actor, "handover_written", entity="handover", entity_id=handover.id, summary=body[:80],
                     details={"customers": cids, "callbacks": cbs})
        return handover.id


@action("callbacks.unread_handovers", WORK_OWN)
def unread_handovers(actor: User, limit: int = 50) -> list[HandoverRow]:
    """Handover notes by others from the last two weeks that ACTOR has not acknowledged, newest first."""
    since = clock.now() - dt.timedelta(days=HANDOVER_DAYS)
    read = HandoverRead.select(HandoverRead.handover).where(HandoverRead.user == actor.id)
    query = (Handover.select().where((Handover.created_at >= since) & (Handover.author != actor.id)
                                     & Handover.id.not_in(read))
             .order_by(Handover.created_at.desc()).limit(limit))
    return _handover_rows(query, set())


@action("callbacks.recent_handovers", WORK_OWN)
def recent_handovers(actor: User, limit: int = 50) -> list[HandoverRow]:
    """The latest handover notes of the team (read or not), newest first."""
    read = {r for (r,) in HandoverRead.select(HandoverRead.handover).where(HandoverRead.user == actor.id).tuples()}
    query = Handover.select().order_by(Handover.created_at.desc()).limit(limit)
    return _handover_rows(query, read)


@action("callbacks.acknowledge_handover", WORK_OWN)
def acknowledge(actor: User, handover_id: int) -> None:
    """ACTOR has read the handover note and takes it over (once; again is harmless)."""
    if not Handover.select().where(Handover.id == handover_id).exists():
        raise NotFound(_("This handover note does not exist."))
    with database.atomic():
        inserted = HandoverRead.insert(handover=handover_id, user=actor.id, read_at=clock.now()).on_conflict_ignore(
        ).execute()
        if inserted:
            audit.record(actor, "handover_acknowledged", entity="handover", entity_id=handover_id)


# -- people to choose from ---------------------------------------------------------------------------

def team_members() -> list[tuple[int, str]]:
    """(id, name) of the active specialists, for the specialist switch and the assignee choice."""
    return [(u.id, u.display_name) for u in User.select(User.id, User.display_name)
            .where((User.active == True) & (User.role == "specialist")).order_by(User.display_name)]  # noqa: E712


__all__ = [
    "QuietHoursWarning", "Cancelled", "CallbackRow", "MyDay", "CallbackDetail", "RecordResult", "RescheduleResult",
    "CampaignResult", "CareResult", "ThreeMusts", "Share", "Reminders", "Script", "my_day", "due_reminders",
    "callback_detail", "schedule", "record_result", "reschedule", "reassign", "cancel", "create_first_contact",
    "schedule_complaint_verification", "run_periodic_care", "create_campaign", "campaign_preview", "three_musts",
    "write_handover", "unread_handovers", "recent_handovers", "acknowledge", "complaint_offer_available",
    "on_verification_result", "standard_script", "set_script", "list_rules", "save_rule", "team_members",
]
