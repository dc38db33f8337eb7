"""Printing (no Qt): one function per document that checks permissions, gathers its figures with SQL aggregates,
masks IDs and mobiles (full values only for a supervisor who asks, audited), audits the print and returns the
plain data of ``desktop_cs.reports.data``; ``write_pdf`` lays that data out as a PDF.

A specialist prints the callback record forms of their own callbacks; every report is a
supervisor's (``REPORTS``). Dates are inclusive: ``date_to`` is the last day printed.
"""
from __future__ import annotations

import datetime as dt
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

import peewee as pw

from desktop_cs import clock
from desktop_cs.i18n import N_, _
from desktop_cs.models import sql
from desktop_cs.models import (Callback, CallbackAttempt, Campaign, Complaint, ComplaintCategory, Customer, Enquiry,
                               EnquiryTopic, Tier, User)
from desktop_cs.reports.data import (AttemptLine, CallbackForm, CallbackForms, CallbackSummary, ComplaintLine,
                                     ComplaintReport, DocumentInfo, EnquiryCount, EnquirySummary, ExpiringLot,
                                     PointsLine, PointsStatement, PointsSummaryReport, Share, SpecialistCallbacks,
                                     StaffLine, StaffReport, SuggestionTheme, UnsatisfiedLine)
from desktop_cs.services import audit, labels, team_settings
from desktop_cs.services.errors import NotFound, ServiceError, ValidationError
from desktop_cs.services.masking import mask_id_number, mask_mobile
from desktop_cs.services.permissions import REPORTS, UNMASK, WORK_OWN, action, allowed, require

#: one batch of forms prints at most this many pages
MAX_FORMS = 10_000
#: the summary lists this many of the most recent unsatisfied customers (and gives the total)
UNSATISFIED_SHOWN = 50
#: newest examples printed per suggestion theme
THEME_EXAMPLES = 3
#: the complaint report lists this many overdue or escalated complaints (and gives the total)
ATTENTION_SHOWN = 50
#: first contacts have a week, other event-triggered callbacks three days (001)
ON_TIME_DAYS = 3
FIRST_CONTACT_DAYS = 7
OUTCOME_CODES = ("reached", "no_answer", "phone_off", "wrong_number", "refused")

Progress = Callable[[int, int], "bool | None"]


class Cancelled(ServiceError):
    """Building a document was stopped at the user's request; nothing was written."""


# -- what the documents are called ---------------------------------------------------------------------------

DOCUMENT_TITLES = {
    "callback_forms": N_("Callback record form"),
    "callback_summary": N_("Callback summary report"),
    "complaint_report": N_("Complaint analysis report"),
    "points_statement": N_("Points statement"),
    "points_summary": N_("Points summary"),
    "staff_report": N_("Staff evaluation"),
    "enquiry_summary": N_("Enquiry summary"),
}

#: suggestion themes: (label, keywords); a suggestion goes to the first theme one of whose keywords it contains
SUGGESTION_THEMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Withdrawals and funds"), ("提现", "到账", "资金", "充值", "T+0", "withdraw", "deposit", "fund")),
    (N_("Returns and products"), ("收益", "利率", "利息", "产品", "理财", "新手", "标", "期限", "return", "interest",
                                  "product")),
    (N_("Hotline and response time"), ("电话", "热线", "客服", "响应", "等待", "打通", "服务时间", "hotline",
                                       "phone", "wait", "response")),
    (N_("App and website"), ("APP", "App", "app", "网站", "登录", "指纹", "卡顿", "系统", "页面", "website",
                             "login")),
    (N_("Points and promotions"), ("积分", "活动", "优惠", "红包", "奖励", "points", "promotion", "bonus")),
    (N_("Information and notices"), ("说明", "风险", "提示", "账单", "推送", "通知", "短信", "信息", "statement",
                                     "notice", "information", "sms")),
)
OTHER_THEME = N_("Other")


def suggestion_theme(text: str) -> str:
    """The (untranslated) theme of one suggestion by its keywords; "Other" when none matches."""
    for theme, words in SUGGESTION_THEMES:
        if any(word in text for word in words):
            return theme
    return OTHER_THEME


def safe_file_name(*parts: str, suffix: str = ".pdf") -> str:
    """A file name from PARTS that every system accepts: no path or reserved characters, not too long."""
    text = " ".join(p for p in parts if p)
    text = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", text)
    text = re.sub(r"\s+", " ", text).strip(" .") or "document"
    return text[:120] + suffix


# -- shared helpers -------------------------------------------------------------------------------------------

def _bounds(date_from: dt.date, date_to: dt.date) -> tuple[dt.datetime, dt.datetime]:
    if date_from is None or date_to is None:
        raise ValidationError(_("Give the first and the last day of the period."), "date_from")
    if date_to < date_from:
        raise ValidationError(_("The period ends before it starts."), "date_to")
    return dt.datetime.combine(date_from, dt.time()), dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time())


def _names() -> dict[int, str]:
    return dict(User.select(User.id, User.display_name).tuples())


def _dt(value) -> dt.datetime | None:
    if value is None or isinstance(value, dt.datetime):
        return value
    return dt.datetime.fromisoformat(str(value))


def _period(date_from: dt.date, date_to: dt.date) -> str:
    return _("{start} to {end}").format(start=date_from.isoformat(), end=date_to.isoformat())


def _info(actor: User, document: str, subtitle: str = "", *, landscape: bool = False,
          full_values: bool = False) -> DocumentInfo:
    return DocumentInfo(title=_(DOCUMENT_TITLES[document]), company=team_settings.get(team_settings.COMPANY_NAME) or "",
                        printed_by=actor.display_name, printed_at=clock.now(), subtitle=subtitle,
                        logo=team_settings.logo_bytes(), landscape=landscape,
                        full_values_by=actor.display_name if full_values else None)


def _full_values(actor: User, full_values: bool, document: str, details: dict) -> bool:
    """True when a supervisor asked for full ID and mobile numbers (checked and audited); False otherwise."""
    if not full_values:
        return False
    require(actor, UNMASK, f"printing.{document}.full_values")
    audit.record(actor, "print_full_values", entity="document", summary=document, details=details)
    return True


def _audited(actor: User, document: str, details: dict) -> None:
    audit.record(actor, "print", entity="document", summary=document, details=details)


def _specialist(actor: User, specialist_id: int | None, document: str) -> tuple[int | None, str]:
    """(id, name) of the specialist a report is about; (None, "the team") for the whole team."""
    if specialist_id is None:
        return None, _("The whole team")
    user = User.get_or_none(User.id == specialist_id)
    if user is None:
        raise NotFound(_("User {id} does not exist.").format(id=specialist_id))
    return user.id, user.display_name


def specialist_by_login(login: str) -> int:
    """The id of the user signing in as LOGIN (for the command line's --specialist)."""
    user = User.get_or_none(User.login == (login or "").strip())
    if user is None:
        raise NotFound(_("There is no user {login}.").format(login=login))
    return user.id


def _weeks(date_from: dt.date, date_to: dt.date, counts: dict[str, int]) -> list[tuple[dt.date, int]]:
    """Every week (Monday) touching the period, with its count (0 when none)."""
    monday = date_from - dt.timedelta(days=date_from.weekday())
    out = []
    while monday <= date_to:
        out.append((monday, int(counts.get(monday.isoformat(), 0) or 0)))
        monday += dt.timedelta(days=7)
    return out


# -- callback record forms (回访记录表) -------------------------------------------------------------------------

def choice_labels() -> dict[str, dict[str, str]]:
    """Texts of the form's tick boxes in the language in force."""
    return {"outcomes": {k: _(v) for k, v in labels.CALLBACK_OUTCOMES.items()},
            "satisfactions": {k: _(v) for k, v in labels.SATISFACTIONS.items()},
            "next_steps": {k: _(v) for k, v in labels.CALLBACK_NEXT_STEPS.items()}}


_FORM_COLUMNS = (Callback.id, Callback.customer, Callback.assigned_to, Callback.due_at, Callback.purpose,
                 Callback.method, Callback.status, Callback.outcome, Callback.satisfaction, Callback.opinion,
                 Callback.suggestions, Callback.duration_seconds, Callback.next_step, Callback.notes,
                 Callback.done_at, Callback.done_by, Callback.complaint, Campaign.name,
                 Customer.name, Customer.mobile, Customer.id_number, Customer.preferred_time, Tier.name)


def _attempts(callback_ids: list[int], names: dict[int, str]) -> dict[int, list[AttemptLine]]:
    found: dict[int, list[AttemptLine]] = defaultdict(list)
    for start in range(0, len(callback_ids), 5000):
        chunk = callback_ids[start:start + 5000]
        for cid, at, by, method, outcome, note in (
                CallbackAttempt.select(CallbackAttempt.callback, CallbackAttempt.at, CallbackAttempt.by,
                                       CallbackAttempt.method, CallbackAttempt.outcome, CallbackAttempt.note)
                .where(CallbackAttempt.callback.in_(chunk))
                .order_by(CallbackAttempt.callback, CallbackAttempt.at, CallbackAttempt.id).tuples()):
            found[cid].append(AttemptLine(_dt(at), names.get(by, ""), labels.label(labels.CALLBACK_METHODS, method),
                                          labels.label(labels.CALLBACK_OUTCOMES, outcome), note or ""))
    return found


@action("printing.callback_forms", WORK_OWN)
def callback_forms(actor: User, *, callback_ids: Iterable[int] | None = None, date_from: dt.date | None = None,
                   date_to: dt.date | None = None, specialist_id: int | None = None, blank: bool = False,
                   full_values: bool = False) -> CallbackForms:
    """Callback record forms, one per callback: the given CALLBACK_IDS, or the callbacks due DATE_FROM..DATE_TO
    (of SPECIALIST_ID; a specialist's own by default, the team's for a supervisor); nothing chosen gives one
    blank form. BLANK leaves the result boxes empty for filling by hand (the plan is printed).

    A specialist prints only their own callbacks; anyone else's needs ``REPORTS``.
    """
    names = _names()
    where: list[pw.Expression] = []
    ids = sorted(set(int(i) for i in callback_ids)) if callback_ids is not None else None
    scope = ""
    if ids is not None:
        if not ids:
            raise ValidationError(_("Choose at least one callback."), "callback_ids")
        owners = set(Callback.select(Callback.assigned_to).where(Callback.id.in_(ids)).distinct().tuples())
        if len(ids) == 1 and not Callback.select().where(Callback.id == ids[0]).exists():
            raise NotFound(_("Callback {id} does not exist.").format(id=ids[0]))
        if {o for (o,) in owners} - {actor.id}:
            require(actor, REPORTS, "printing.callback_forms_others")
        where.append(Callback.id.in_(ids))
    elif date_from is not None or date_to is not None:
        lo, hi = _bounds(date_from or date_to, date_to or date_from)
        if specialist_id is None and not allowed(actor, REPORTS):
            specialist_id = actor.id
        if specialist_id is not None and specialist_id != actor.id:
            require(actor, REPORTS, "printing.callback_forms_others")
        specialist_id, who = _specialist(actor, specialist_id, "callback_forms")
        scope = f"{_period(date_from or date_to, date_to or date_from)} · {who}"
        where += [Callback.due_at >= lo, Callback.due_at < hi, Callback.status != "cancelled"]
        if specialist_id is not None:
            where.append(Callback.assigned_to == specialist_id)
    full = _full_values(actor, full_values, "callback_forms", {"callbacks": ids, "period": scope})
    forms: list[CallbackForm] = []
    if where:
        count = Callback.select(pw.fn.COUNT(Callback.id)).where(*where).scalar() or 0
        if count > MAX_FORMS:
            raise ValidationError(_("{n} callbacks: print at most {max} forms at once (choose a shorter period or "
                                    "one specialist).").format(n=f"{count:,}", max=f"{MAX_FORMS:,}"), "date_from")
        query = (Callback.select(*_FORM_COLUMNS)
                 .join(Customer, on=(Callback.customer == Customer.id))
                 .join(Tier, pw.JOIN.LEFT_OUTER, on=(Customer.tier == Tier.id))
                 .switch(Callback).join(Campaign, pw.JOIN.LEFT_OUTER, on=(Callback.campaign == Campaign.id))
                 .switch(Callback).join(User, on=(Callback.assigned_to == User.id))
                 .where(*where).order_by(User.display_name, Callback.due_at, Callback.id).tuples())
        rows = list(query)
        attempts = _attempts([r[0] for r in rows], names)
        for (cid, customer_id, assigned, due, purpose, method, status, outcome, satisfaction, opinion, suggestions,
             duration, next_step, notes, done_at, done_by, complaint, campaign, name, mobile, id_number, preferred,
             tier) in rows:
            origin = campaign or (_("Complaint No. {id}").format(id=complaint) if complaint else "")
            forms.append(CallbackForm(
                form_number=f"{cid:06d}", customer_name=name, customer_number=str(customer_id),
                mobile=(mobile or "") if full else mask_mobile(mobile), id_number=(id_number or "") if full
                else mask_id_number(id_number), tier=tier or "", specialist=names.get(assigned, ""),
                purpose=labels.label(labels.CALLBACK_PURPOSES, purpose),
                method=labels.label(labels.CALLBACK_METHODS, method), due_at=_dt(due), done_at=_dt(done_at),
                done_by=names.get(done_by, "") if done_by else "",
                status=labels.label(labels.CALLBACK_STATUSES, status), origin=origin, preferred_time=preferred or "",
                outcome_code=outcome, satisfaction_code=satisfaction, next_step_code=next_step,
                duration_seconds=duration, opinion=opinion or "", suggestions=suggestions or "", notes=notes or "",
                attempts=attempts.get(cid, []), blank=blank))
    _audited(actor, "callback_forms", {"forms": len(forms) or 1, "blank": blank, "period": scope,
                                       "callbacks": ids if ids is not None and len(ids) <= 20 else None,
                                       "full_values": full})
    return CallbackForms(_info(actor, "callback_forms", scope, full_values=full), forms, choice_labels())


# -- callback summary report (回访总结报告) ----------------------------------------------------------------------

def _callback_figures(lo: dt.datetime, hi: dt.datetime, now: dt.datetime, specialist_id: int | None
                      ) -> dict[int, dict[str, int]]:
    """Per specialist, the callback figures of the period from one pass over the table.

    SQL groups the callbacks due or triggered in the period by (specialist, status, outcome,
    satisfaction) with six range counts per group; Python adds the groups up. Fewer
    expressions per row than one SUM(CASE ...) per figure: a year of 500,000 callbacks in
    about a second.
    - planned: due in the period, not cancelled; done / overdue (open, due time passed) /
      cancelled among those; reached, outcomes and satisfaction of the done ones;
    - recorded: planned and due by now, done or with an attempt logged (the three musts);
    - on time: triggered in the period and done within 3 days of the trigger (first contacts:
      7), of those done or whose deadline has passed (the same rule as ``callbacks.three_musts``).
    """
    C = Callback
    due_in = (C.due_at >= lo) & (C.due_at < hi)
    due_past = (C.due_at >= lo) & (C.due_at < min(hi, now))
    triggered = (C.triggered_at >= lo) & (C.triggered_at < hi)
    deadline = pw.Case(None, [(C.trigger_key.startswith("assign:"),
                               sql.plus_days(C.triggered_at, FIRST_CONTACT_DAYS))],
                       sql.plus_days(C.triggered_at, ON_TIME_DAYS))
    counts = [sql.count_if(due_in), sql.count_if(due_past), sql.count_if(due_past & (C.attempts > 0)),
              sql.count_if(triggered), sql.count_if(triggered & (deadline < now)),
              sql.count_if(triggered & (C.done_at <= deadline))]
    where = [due_in | triggered]
    if specialist_id is not None:
        where.append(C.assigned_to == specialist_id)
        who = C.assigned_to
    else:
        who = sql.no_index(C.assigned_to)    # one pass over the table, not a walk of the assignee index
    query = (C.select(who, C.status, C.outcome, C.satisfaction, *counts).where(*where)
             .group_by(who, C.status, C.outcome, C.satisfaction).tuples())
    keys = ["planned", "done", "overdue", "cancelled", "reached", "not_reached", "recorded_total", "recorded",
            "on_time_total", "on_time", "satisfied", "average", "unsatisfied",
            *[f"outcome_{code}" for code in OUTCOME_CODES]]
    out: dict[int, dict[str, int]] = {}
    for uid, status, outcome, satisfaction, n_due, n_past, n_tried, n_trig, n_late, n_kept in query:
        f = out.setdefault(uid, dict.fromkeys(keys, 0))
        n_due, n_past, n_tried = int(n_due), int(n_past), int(n_tried)
        n_trig, n_late, n_kept = int(n_trig), int(n_late), int(n_kept)
        if status == "cancelled":
            f["cancelled"] += n_due
            continue
        f["planned"] += n_due
        f["recorded_total"] += n_past
        if status == "done":
            f["done"] += n_due
            f["recorded"] += n_past
            f["on_time_total"] += n_trig
            f["on_time"] += n_kept
            if outcome == "reached":
                f["reached"] += n_due
            elif outcome:
                f["not_reached"] += n_due
            if outcome in OUTCOME_CODES:
                f[f"outcome_{outcome}"] += n_due
            if satisfaction in ("satisfied", "average", "unsatisfied"):
                f[satisfaction] += n_due
        else:   # open
            f["overdue"] += n_past
            f["recorded"] += n_tried
            f["on_time_total"] += n_late
    return out


def _member_coverage(lo: dt.datetime, hi: dt.datetime, specialist_id: int | None) -> Share:
    """Member-tier customers reached by a callback done in the period / all of them (one look-up per member
    through the customer's callback index)."""
    members = [Tier.is_member == True, Customer.deleted_at.is_null(), Customer.merged_into.is_null(),  # noqa: E712
               *([Customer.assigned_to == specialist_id] if specialist_id else [])]
    total = Customer.select(pw.fn.COUNT(Customer.id)).join(Tier, on=(Customer.tier == Tier.id)).where(*members)
    reached_one = (Callback.select(pw.SQL("1")).where(
        Callback.customer == Customer.id, Callback.status == "done", Callback.outcome == "reached",
        Callback.done_at >= lo, Callback.done_at < hi))
    reached = (Customer.select(pw.fn.COUNT(Customer.id)).join(Tier, on=(Customer.tier == Tier.id))
               .where(*members, pw.fn.EXISTS(reached_one)))
    return Share(reached.scalar() or 0, total.scalar() or 0)


@action("printing.callback_summary", REPORTS)
def callback_summary(actor: User, date_from: dt.date, date_to: dt.date, specialist_id: int | None = None
                     ) -> CallbackSummary:
    """The callback summary report for DATE_FROM..DATE_TO, for the team or one specialist."""
    lo, hi = _bounds(date_from, date_to)
    now = clock.now()
    specialist_id, scope = _specialist(actor, specialist_id, "callback_summary")
    names = _names()
    figures = _callback_figures(lo, hi, now, specialist_id)
    totals: Counter = Counter()
    for row in figures.values():
        totals.update(row)
    specialists = [SpecialistCallbacks(names.get(uid, str(uid)), f["planned"], f["done"], f["overdue"], f["reached"],
                                       Share(f["on_time"], f["on_time_total"]), f["satisfied"], f["average"],
                                       f["unsatisfied"])
                   for uid, f in figures.items() if f["planned"] or f["on_time_total"]]
    specialists.sort(key=lambda s: (-s.planned, s.name))

    outcomes = sorted(((labels.label(labels.CALLBACK_OUTCOMES, code), totals[f"outcome_{code}"])
                       for code in OUTCOME_CODES if totals[f"outcome_{code}"]), key=lambda item: -item[1])

    mine = [Callback.assigned_to == specialist_id] if specialist_id is not None else []
    cohort_done = [Callback.due_at >= lo, Callback.due_at < hi, Callback.status == "done", *mine]
    # the newest unsatisfied results: walk the (status, due_at) index backwards, then order by when they were done
    recent = list(
        Callback.select(Callback.done_at, Customer.name, Customer.mobile, Callback.assigned_to, Callback.opinion,
                        Callback.next_step, Callback.id)
        .join(Customer, on=(Callback.customer == Customer.id))
        .where(*cohort_done, Callback.satisfaction == "unsatisfied")
        .order_by(Callback.due_at.desc(), Callback.id.desc()).limit(UNSATISFIED_SHOWN * 4).tuples())
    recent.sort(key=lambda r: (str(r[0]), r[6]), reverse=True)
    unsatisfied_lines = [
        UnsatisfiedLine(_dt(done_at), name, mask_mobile(mobile), names.get(assigned, ""), opinion or "",
                        labels.label(labels.CALLBACK_NEXT_STEPS, next_step))
        for done_at, name, mobile, assigned, opinion, next_step, _cid in recent[:UNSATISFIED_SHOWN]]

    theme_counts: Counter = Counter()
    newest: dict[str, list[tuple[str, str]]] = defaultdict(list)
    suggestions_total = 0
    # most callbacks of a long period qualify: one pass over the table beats the (status, due_at) index
    suggestions = (Callback.select(Callback.suggestions, pw.fn.COUNT(Callback.id), pw.fn.MAX(Callback.done_at))
                   .where(sql.no_index(Callback.status) == "done", Callback.due_at >= lo, Callback.due_at < hi, *mine,
                          Callback.suggestions != "")
                   .group_by(Callback.suggestions).tuples())
    for text, n, last in suggestions:
        text = " ".join(text.split())
        if not text:
            continue
        theme = suggestion_theme(text)
        theme_counts[theme] += n
        suggestions_total += n
        newest[theme].append((str(last), text))
    themes = []
    for theme, n in sorted(theme_counts.items(), key=lambda item: (item[0] == OTHER_THEME, -item[1])):
        examples = [text for _last, text in sorted(newest[theme], reverse=True)[:THEME_EXAMPLES]]
        themes.append(SuggestionTheme(_(theme), n, examples))

    subtitle = f"{_period(date_from, date_to)} · {scope}"
    report = CallbackSummary(
        info=_info(actor, "callback_summary", subtitle), date_from=date_from, date_to=date_to, scope=scope,
        planned=totals["planned"], done=totals["done"], overdue=totals["overdue"], cancelled=totals["cancelled"],
        reached=totals["reached"], not_reached=totals["not_reached"],
        on_time=Share(totals["on_time"], totals["on_time_total"]),
        member_coverage=_member_coverage(lo, hi, specialist_id),
        recorded=Share(totals["recorded"], totals["recorded_total"]), satisfied=totals["satisfied"],
        average=totals["average"], unsatisfied=totals["unsatisfied"], outcomes=outcomes, specialists=specialists,
        unsatisfied_lines=unsatisfied_lines, unsatisfied_total=totals["unsatisfied"], themes=themes,
        suggestions_total=suggestions_total)
    _audited(actor, "callback_summary", {"period": [date_from.isoformat(), date_to.isoformat()],
                                         "specialist_id": specialist_id})
    return report


# -- complaint analysis report ------------------------------------------------------------------------------------

@action("printing.complaint_report", REPORTS)
def complaint_report(actor: User, date_from: dt.date, date_to: dt.date) -> ComplaintReport:
    """The complaint analysis report: ``complaints.analysis`` with the weekly trend and the overdue / escalated
    complaints of the period."""
    from desktop_cs.services import complaints

    lo, hi = _bounds(date_from, date_to)
    a = complaints.analysis(actor, date_from, date_to)
    weekly = dict(Complaint.select(sql.week_start_text(Complaint.received_at), pw.fn.COUNT(Complaint.id))
                  .where(Complaint.received_at >= lo, Complaint.received_at < hi)
                  .group_by(sql.week_start_text(Complaint.received_at)).tuples())
    overdue_q = complaints.ComplaintQuery(overdue=True, date_from=date_from, date_to=date_to)
    escalated_q = complaints.ComplaintQuery(escalated=True, date_from=date_from, date_to=date_to)
    both_q = complaints.ComplaintQuery(overdue=True, escalated=True, date_from=date_from, date_to=date_to)
    attention_total = (complaints.count(actor, overdue_q) + complaints.count(actor, escalated_q)
                       - complaints.count(actor, both_q))
    rows = {r.id: r for q in (overdue_q, escalated_q)
            for r in complaints.search_page(actor, q, 0, ATTENTION_SHOWN)}
    flags_of = labels.COMPLAINT_FLAGS
    attention = []
    for r in sorted(rows.values(), key=lambda r: (r.received_at, r.id), reverse=True)[:ATTENTION_SHOWN]:
        flags = [_(flags_of[k]) for k, on in (("overdue", r.overdue), ("escalated", r.escalated),
                                               ("breached", r.breached), ("reopened", r.reopened_count > 0))
                 if on and k in flags_of]
        attention.append(ComplaintLine(str(r.id), r.received_at, r.customer or r.caller, r.category, r.severity,
                                       r.status, r.handler, "、".join(flags), r.promised_reply_at))
    report = ComplaintReport(
        info=_info(actor, "complaint_report", _period(date_from, date_to)), date_from=date_from, date_to=date_to,
        total=a.total, by_category=a.by_category, by_channel=a.by_channel, by_severity=a.by_severity,
        by_status=a.by_status, root_causes=a.by_root_cause, weekly=_weeks(date_from, date_to, weekly),
        first_response_median_hours=a.first_response.median_hours,
        first_response_p90_hours=a.first_response.p90_hours, resolution_median_hours=a.resolution.median_hours,
        resolution_p90_hours=a.resolution.p90_hours, promises_made=a.promises_made, promises_kept=a.promises_kept,
        promises_broken=a.promises_broken, promises_pending=a.promises_pending,
        first_response_breaches=a.first_response_breaches, resolution_breaches=a.resolution_breaches,
        escalations=a.escalations, reopened=a.reopened, repeat_complaints=a.repeat_complaints,
        repeat_complainants=a.repeat_complainants, top_repeat_complainants=a.top_repeat_complainants,
        attitude_by_staff=a.attitude_by_specialist, satisfaction=a.satisfaction, compensation_fen=a.compensation_fen,
        compensation_points=a.compensation_points, attention=attention, attention_total=max(attention_total, 0))
    _audited(actor, "complaint_report", {"period": [date_from.isoformat(), date_to.isoformat()]})
    return report


# -- points --------------------------------------------------------------------------------------------------

@action("printing.points_statement", REPORTS)
def points_statement(actor: User, customer_id: int, full_values: bool = False) -> PointsStatement:
    """One customer's points statement: balance, points expiring soon, the whole ledger with its running balance."""
    from desktop_cs.services import points

    customer = Customer.get_or_none(Customer.id == customer_id)
    if customer is None or customer.erased_at is not None:
        raise NotFound(_("Customer {id} does not exist.").format(id=customer_id))
    view = points.customer_view(actor, customer_id)
    full = _full_values(actor, full_values, "points_statement", {"customer_id": customer_id})
    lines = [PointsLine(r.at, r.kind_label, r.points, r.balance, r.source or r.reference, r.reason, r.expires_at)
             for r in reversed(view.ledger)]
    earned = sum(r.points for r in view.ledger if r.points > 0)
    used = -sum(r.points for r in view.ledger if r.points < 0)
    subtitle = _("{name} (No. {id})").format(name=customer.name, id=customer.id)
    report = PointsStatement(
        info=_info(actor, "points_statement", subtitle, full_values=full), customer_name=customer.name,
        customer_number=str(customer.id), mobile=(customer.mobile or "") if full else mask_mobile(customer.mobile),
        id_number=(customer.id_number or "") if full else mask_id_number(customer.id_number), balance=view.balance,
        available=view.available, expiring=[ExpiringLot(lot.points, lot.expires_at, lot.source)
                                            for lot in view.expiring],
        expiring_total=view.expiring_total, lines=lines, earned=earned, used=used)
    audit.record(actor, "print", entity="document", entity_id=customer_id, customer_id=customer_id,
                 summary="points_statement", details={"full_values": full})
    return report


@action("printing.points_summary", REPORTS)
def points_summary(actor: User, date_from: dt.date, date_to: dt.date) -> PointsSummaryReport:
    """The team's points for the period: issued by rule, redeemed, expired, adjusted, liability in yuan."""
    from desktop_cs.services import points

    _bounds(date_from, date_to)
    s = points.team_summary(actor, date_from, date_to)
    report = PointsSummaryReport(
        info=_info(actor, "points_summary", _period(date_from, date_to)), date_from=date_from, date_to=date_to,
        issued=[(line.label, line.points, line.entries) for line in s.issued], issued_total=s.issued_total,
        redeemed=s.redeemed, redemptions=s.redemptions, expired=s.expired, adjusted_in=s.adjusted_in,
        adjusted_out=s.adjusted_out, compensation=s.compensation, reversed_in=s.reversed_in,
        reversed_out=s.reversed_out, opening_points=s.opening_points, closing_points=s.closing_points,
        closing_liability_fen=s.closing_liability_fen)
    _audited(actor, "points_summary", {"period": [date_from.isoformat(), date_to.isoformat()]})
    return report


# -- staff evaluation (员工考核) -------------------------------------------------------------------------------------

@action("printing.staff_report", REPORTS)
def staff_report(actor: User, date_from: dt.date, date_to: dt.date, specialist_id: int | None = None
                 ) -> StaffReport:
    """Per specialist for the period: callbacks done and on time, satisfaction, complaints handled and the time
    they took, complaints about their attitude, enquiries recorded and resolved at first contact."""
    lo, hi = _bounds(date_from, date_to)
    now = clock.now()
    specialist_id, scope = _specialist(actor, specialist_id, "staff_report")
    figures = _callback_figures(lo, hi, now, specialist_id)

    handled: dict[int, list] = defaultdict(list)
    complaint_where = [Complaint.received_at >= lo, Complaint.received_at < hi]
    for handler, received, resolved in (Complaint.select(Complaint.handler, Complaint.received_at,
                                                         Complaint.resolved_at)
                                        .where(*complaint_where,
                                               *([Complaint.handler == specialist_id] if specialist_id else []))
                                        .tuples()):
        resolved = _dt(resolved)
        handled[handler].append((resolved - _dt(received)).total_seconds() / 3600 if resolved else None)

    # the staff member complained about, as complaints.analysis names them
    about = pw.fn.COALESCE(Complaint.about_user, Customer.assigned_to, Complaint.handler)
    attitude = dict(Complaint.select(about, pw.fn.COUNT(Complaint.id))
                    .join(ComplaintCategory, on=(Complaint.category == ComplaintCategory.id))
                    .switch(Complaint).join(Customer, pw.JOIN.LEFT_OUTER, on=(Complaint.customer == Customer.id))
                    .where(*complaint_where, ComplaintCategory.is_attitude == True)  # noqa: E712
                    .group_by(about).tuples())

    enquiry_where = [Enquiry.created_at >= lo, Enquiry.created_at < hi]
    if specialist_id:
        enquiry_where.append(Enquiry.handled_by == specialist_id)
    enquiries = {uid: (int(n), int(r or 0)) for uid, n, r in (
        Enquiry.select(Enquiry.handled_by, pw.fn.COUNT(Enquiry.id),
                       pw.fn.SUM(pw.Case(None, [(Enquiry.outcome == "resolved", 1)], 0)))
        .where(*enquiry_where).group_by(Enquiry.handled_by).tuples())}

    users = User.select(User.id, User.display_name, User.login, User.role, User.active)
    if specialist_id:
        users = users.where(User.id == specialist_id)
    lines = []
    for user in users.order_by(User.display_name):
        f = figures.get(user.id, {})
        times = handled.get(user.id, [])
        done_hours = [h for h in times if h is not None]
        busy = f.get("planned") or times or enquiries.get(user.id) or attitude.get(user.id)
        if not busy and not (specialist_id or (user.role == "specialist" and user.active)):
            continue
        n, resolved = enquiries.get(user.id, (0, 0))
        lines.append(StaffLine(
            name=user.display_name, login=user.login, callbacks_planned=f.get("planned", 0),
            callbacks_done=f.get("done", 0), on_time=Share(f.get("on_time", 0), f.get("on_time_total", 0)),
            satisfied=f.get("satisfied", 0), rated=f.get("satisfied", 0) + f.get("average", 0)
            + f.get("unsatisfied", 0), complaints_handled=len(times), complaints_resolved=len(done_hours),
            resolution_median_hours=round(statistics.median(done_hours), 1) if done_hours else None,
            attitude_complaints=int(attitude.get(user.id, 0)), enquiries=n, enquiries_resolved=resolved))
    report = StaffReport(_info(actor, "staff_report", f"{_period(date_from, date_to)} · {scope}", landscape=True),
                         date_from, date_to, lines)
    _audited(actor, "staff_report", {"period": [date_from.isoformat(), date_to.isoformat()],
                                     "specialist_id": specialist_id})
    return report


# -- enquiry summary (咨询汇总) ----------------------------------------------------------------------------------------

@action("printing.enquiry_summary", REPORTS)
def enquiry_summary(actor: User, date_from: dt.date, date_to: dt.date, specialist_id: int | None = None
                    ) -> EnquirySummary:
    """Enquiries of the period by topic and channel, per specialist, the share resolved at first contact and the
    weekly trend."""
    lo, hi = _bounds(date_from, date_to)
    specialist_id, scope = _specialist(actor, specialist_id, "enquiry_summary")
    where = [Enquiry.created_at >= lo, Enquiry.created_at < hi]
    if specialist_id:
        where.append(Enquiry.handled_by == specialist_id)
    resolved = pw.fn.SUM(pw.Case(None, [(Enquiry.outcome == "resolved", 1)], 0))
    total = pw.fn.COUNT(Enquiry.id)

    def grouped(column) -> list[tuple]:
        return list(Enquiry.select(column, total, resolved).where(*where).group_by(column).tuples())

    topics = dict(EnquiryTopic.select(EnquiryTopic.id, EnquiryTopic.name).tuples())
    names = _names()
    by_topic = sorted((EnquiryCount(topics.get(t, str(t)), int(n), int(r or 0)) for t, n, r in grouped(Enquiry.topic)),
                      key=lambda c: -c.total)
    by_channel = sorted((EnquiryCount(labels.label(labels.ENQUIRY_CHANNELS, ch), int(n), int(r or 0))
                         for ch, n, r in grouped(Enquiry.channel)), key=lambda c: -c.total)
    by_specialist = sorted((EnquiryCount(names.get(u, str(u)), int(n), int(r or 0))
                            for u, n, r in grouped(Enquiry.handled_by)), key=lambda c: (-c.total, c.label))
    weekly = dict(Enquiry.select(sql.week_start_text(Enquiry.created_at), total).where(*where)
                  .group_by(sql.week_start_text(Enquiry.created_at)).tuples())
    unknown = Enquiry.select(total).where(*where, Enquiry.customer.is_null()).scalar() or 0
    report = EnquirySummary(
        info=_info(actor, "enquiry_summary", f"{_period(date_from, date_to)} · {scope}"), date_from=date_from,
        date_to=date_to, total=sum(c.total for c in by_topic), resolved=sum(c.resolved for c in by_topic),
        by_topic=by_topic, by_channel=by_channel, by_specialist=by_specialist,
        weekly=_weeks(date_from, date_to, weekly), unknown_callers=int(unknown))
    _audited(actor, "enquiry_summary", {"period": [date_from.isoformat(), date_to.isoformat()],
                                        "specialist_id": specialist_id})
    return report


# -- writing the PDF --------------------------------------------------------------------------------------------

def write_pdf(document, target: str | Path | BinaryIO, progress: Progress | None = None) -> int | None:
    """Lay DOCUMENT (any of the data above) out as a PDF in TARGET; forms return their page count.

    PROGRESS(done, total) returning False stops a batch of forms (``Cancelled``).
    """
    from desktop_cs.reports import (callback_form, callback_summary, complaint_report, enquiry_summary,
                                    points_statement, points_summary, staff_report)
    from desktop_cs.reports.styles import RenderCancelled

    writers = {CallbackSummary: callback_summary.write, ComplaintReport: complaint_report.write,
               PointsStatement: points_statement.write, PointsSummaryReport: points_summary.write,
               StaffReport: staff_report.write, EnquirySummary: enquiry_summary.write}
    if isinstance(target, Path):
        target.parent.mkdir(parents=True, exist_ok=True)
    try:
        if isinstance(document, CallbackForms):
            return callback_form.write_forms(document, target, progress=progress)
        writer = writers.get(type(document))
        if writer is None:
            raise TypeError(f"nothing prints {type(document).__name__}")
        writer(document, target)
        return None
    except RenderCancelled:
        raise Cancelled(_("Stopped: no document was made.")) from None


def file_name(document) -> str:
    """A safe, telling file name for DOCUMENT: its title, period or customer, and the printing date."""
    info: DocumentInfo = document.info
    when = info.printed_at.strftime("%Y%m%d-%H%M")
    subtitle = info.subtitle.replace(" · ", " ")
    return safe_file_name(info.title, subtitle, when)


__all__ = ["Cancelled", "callback_forms", "callback_summary", "complaint_report", "points_statement",
           "points_summary", "staff_report", "enquiry_summary", "write_pdf", "file_name", "safe_file_name",
           "suggestion_theme", "specialist_by_login", "choice_labels", "DOCUMENT_TITLES"]
