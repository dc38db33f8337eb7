"""The plain data every printed document is built from (filled by services.printing, read by the report modules).

Nothing here imports reportlab, Qt or the database: the services fill these, already
labelled in the language in force and already masked (unless a supervisor asked for full
values), and the report modules only lay them out.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# -- every document ---------------------------------------------------------------------------------------


@dataclass
class DocumentInfo:
    """What every page's header and footer print: company, title, who printed it and when."""

    title: str
    company: str
    printed_by: str
    printed_at: dt.datetime
    #: the period and scope under the title (e.g. "2026-11-01 – 2026-11-30 · 全组")
    subtitle: str = ""
    #: PNG or JPEG bytes of the company logo (team setting), or None
    logo: bytes | None = None
    landscape: bool = False
    #: set when a supervisor chose full ID and mobile numbers: the stamp names them on every page
    full_values_by: str | None = None


@dataclass
class Share:
    """PART of WHOLE, e.g. callbacks done of callbacks planned (None-safe percentages)."""

    part: int
    whole: int

    @property
    def ratio(self) -> float | None:
        return self.part / self.whole if self.whole else None

    def percent(self) -> str:
        ratio = self.ratio
        return "—" if ratio is None else f"{ratio * 100:.1f}%"


# -- callback record form (回访记录表) ------------------------------------------------------------------------


@dataclass
class AttemptLine:
    """One try at a callback, as the form's attempt history lists it."""

    at: dt.datetime
    by: str
    method: str
    outcome: str
    note: str = ""


@dataclass
class CallbackForm:
    """One callback record form; codes pick the ticked boxes, texts are printed as they are.

    A blank form (``blank=True``) prints the plan (customer, purpose, due time) when there
    is one and leaves every result box empty, for filling by hand.
    """

    form_number: str = ""
    customer_name: str = ""
    customer_number: str = ""
    mobile: str = ""
    id_number: str = ""
    tier: str = ""
    specialist: str = ""
    purpose: str = ""
    method: str = ""
    due_at: dt.datetime | None = None
    done_at: dt.datetime | None = None
    done_by: str = ""
    status: str = ""
    #: campaign name or complaint reference ("" when none)
    origin: str = ""
    preferred_time: str = ""
    outcome_code: str | None = None
    satisfaction_code: str | None = None
    next_step_code: str | None = None
    duration_seconds: int | None = None
    opinion: str = ""
    suggestions: str = ""
    notes: str = ""
    attempts: list[AttemptLine] = field(default_factory=list)
    blank: bool = False


@dataclass
class CallbackForms:
    """A batch of forms (one per page, page n of m), or a single one."""

    info: DocumentInfo
    forms: list[CallbackForm]
    #: texts of the tick boxes: {"outcomes" | "satisfactions" | "next_steps": {code: text}}
    choices: dict[str, dict[str, str]] = field(default_factory=dict)


# -- callback summary report (回访总结报告) -------------------------------------------------------------------


@dataclass
class SpecialistCallbacks:
    """One specialist's line of the summary's table."""

    name: str
    planned: int
    done: int
    overdue: int
    reached: int
    on_time: Share
    satisfied: int
    average: int
    unsatisfied: int

    @property
    def completion(self) -> Share:
        return Share(self.done, self.planned)

    @property
    def satisfaction(self) -> Share:
        return Share(self.satisfied, self.satisfied + self.average + self.unsatisfied)


@dataclass
class UnsatisfiedLine:
    """A customer left unsatisfied by a callback, who needs a follow-up."""

    done_at: dt.datetime
    customer_name: str
    mobile: str
    specialist: str
    opinion: str
    next_step: str


@dataclass
class SuggestionTheme:
    """Suggestions of one theme: how many, and the newest few as examples."""

    theme: str
    count: int
    examples: list[str]


@dataclass
class CallbackSummary:
    """The callback summary report of a period for the team or one specialist."""

    info: DocumentInfo
    date_from: dt.date
    date_to: dt.date
    scope: str
    planned: int
    done: int
    overdue: int
    cancelled: int
    reached: int
    not_reached: int
    on_time: Share
    member_coverage: Share
    recorded: Share
    satisfied: int
    average: int
    unsatisfied: int
    #: (outcome label, callbacks) of the done callbacks
    outcomes: list[tuple[str, int]]
    specialists: list[SpecialistCallbacks]
    unsatisfied_lines: list[UnsatisfiedLine]
    unsatisfied_total: int
    themes: list[SuggestionTheme]
    suggestions_total: int

    @property
    def completion(self) -> Share:
        return Share(self.done, self.planned)

    @property
    def satisfaction(self) -> Share:
        return Share(self.satisfied, self.satisfied + self.average + self.unsatisfied)


# -- complaint analysis report --------------------------------------------------------------------------------


@dataclass
class ComplaintLine:
    """A complaint on the overdue / escalated list."""

    number: str
    received_at: dt.datetime
    customer: str
    category: str
    severity: str
    status: str
    handler: str
    flags: str
    promised_reply_at: dt.datetime | None


@dataclass
class ComplaintReport:
    """The complaint analysis report: the figures of ``complaints.analysis`` plus the weekly trend and lists."""

    info: DocumentInfo
    date_from: dt.date
    date_to: dt.date
    total: int
    by_category: list[tuple[str, int]]
    by_channel: list[tuple[str, int]]
    by_severity: list[tuple[str, int]]
    by_status: list[tuple[str, int]]
    root_causes: list[tuple[str, int]]
    #: (Monday of the week, complaints received that week), every week of the period
    weekly: list[tuple[dt.date, int]]
    first_response_median_hours: float | None
    first_response_p90_hours: float | None
    resolution_median_hours: float | None
    resolution_p90_hours: float | None
    promises_made: int
    promises_kept: int
    promises_broken: int
    promises_pending: int
    first_response_breaches: int
    resolution_breaches: int
    escalations: int
    reopened: int
    repeat_complaints: int
    repeat_complainants: int
    top_repeat_complainants: list[tuple[str, int]]
    attitude_by_staff: list[tuple[str, int]]
    satisfaction: list[tuple[str, int]]
    compensation_fen: int
    compensation_points: int
    attention: list[ComplaintLine]
    attention_total: int


# -- points ---------------------------------------------------------------------------------------------------


@dataclass
class PointsLine:
    """One ledger line of a statement, oldest first, with the balance after it."""

    at: dt.datetime
    kind: str
    points: int
    balance: int
    source: str
    reason: str
    expires_at: dt.datetime | None


@dataclass
class ExpiringLot:
    """Points of one lot that expire soon."""

    points: int
    expires_at: dt.datetime
    source: str


@dataclass
class PointsStatement:
    """One customer's points statement: balance, points expiring and the ledger with its running balance."""

    info: DocumentInfo
    customer_name: str
    customer_number: str
    mobile: str
    id_number: str
    balance: int
    available: int
    expiring: list[ExpiringLot]
    expiring_total: int
    lines: list[PointsLine]
    earned: int
    used: int


@dataclass
class PointsSummaryReport:
    """The points summary of a period: issued by rule, redeemed, expired, adjusted, liability in yuan."""

    info: DocumentInfo
    date_from: dt.date
    date_to: dt.date
    #: (event label, points, entries)
    issued: list[tuple[str, int, int]]
    issued_total: int
    redeemed: int
    redemptions: int
    expired: int
    adjusted_in: int
    adjusted_out: int
    compensation: int
    reversed_in: int
    reversed_out: int
    opening_points: int
    closing_points: int
    closing_liability_fen: int


# -- staff evaluation (员工考核) --------------------------------------------------------------------------------


@dataclass
class StaffLine:
    """One specialist's figures for the staff evaluation."""

    name: str
    login: str
    callbacks_planned: int
    callbacks_done: int
    on_time: Share
    satisfied: int
    rated: int
    complaints_handled: int
    complaints_resolved: int
    resolution_median_hours: float | None
    attitude_complaints: int
    enquiries: int
    enquiries_resolved: int

    @property
    def completion(self) -> Share:
        return Share(self.callbacks_done, self.callbacks_planned)

    @property
    def satisfaction(self) -> Share:
        return Share(self.satisfied, self.rated)

    @property
    def first_contact(self) -> Share:
        return Share(self.enquiries_resolved, self.enquiries)


@dataclass
class StaffReport:
    """The staff evaluation of a period: one line per specialist."""

    info: DocumentInfo
    date_from: dt.date
    date_to: dt.date
    lines: list[StaffLine]


# -- enquiry summary (咨询汇总) ----------------------------------------------------------------------------------


@dataclass
class EnquiryCount:
    """Enquiries of one topic, channel or specialist, and how many were resolved at first contact."""

    label: str
    total: int
    resolved: int

    @property
    def first_contact(self) -> Share:
        return Share(self.resolved, self.total)


@dataclass
class EnquirySummary:
    """The enquiry summary of a period: by topic and channel, per specialist, first-contact share, weekly trend."""

    info: DocumentInfo
    date_from: dt.date
    date_to: dt.date
    total: int
    resolved: int
    by_topic: list[EnquiryCount]
    by_channel: list[EnquiryCount]
    by_specialist: list[EnquiryCount]
    weekly: list[tuple[dt.date, int]]
    #: enquiries from callers not (yet) in the archive
    unknown_callers: int

    @property
    def first_contact(self) -> Share:
        return Share(self.resolved, self.total)
