"""Working days (weekends, Chinese statutory holidays, make-up days, overrides) and quiet hours for callbacks.

A working day is a weekday that is not a statutory holiday, or a weekend day that the
State Council made a make-up working day (调休). The holidays and make-up days come from
the maintained ``holidays`` library; a supervisor's ``CalendarOverride`` rows win over
it (each new year's official schedule is entered there when the library does not have it
yet). Quiet hours (customers' rest time: by default before 09:00, 12:00–14:00 and after
21:00) are a team setting. Callbacks are made only on working days outside quiet hours.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass


from desktop_cs.i18n import _, current_language
from desktop_cs.models import CalendarOverride, User, database
from desktop_cs.services import audit, team_settings
from desktop_cs.services.errors import FormErrors, ValidationError
from desktop_cs.services.permissions import EDIT_SETTINGS, action

QUIET_HOURS_KEY = "callbacks.quiet_hours"
#: quiet periods as ("HH:MM", "HH:MM") pairs; "24:00" ends a day
DEFAULT_QUIET_HOURS: list[tuple[str, str]] = [("00:00", "09:00"), ("12:00", "14:00"), ("21:00", "24:00")]
DAY_MINUTES = 24 * 60
#: how far ahead a search for an allowed time looks before giving up (a broken calendar)
MAX_SEARCH_DAYS = 400

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:：](\d{2}))?\s*$")
_RANGE = re.compile(r"^\s*(\d{1,2}(?:[:：]\d{2})?)\s*(?:-|–|—|~|～|至|到)\s*(\d{1,2}(?:[:：]\d{2})?)\s*$")

#: years whose "not yet official" notice was already given in this run of the program
_told_years: set[int] = set()


# -- parsing times ----------------------------------------------------------------------------

def parse_minutes(text: str) -> int:
    """'09:30' -> 570; '24:00' -> 1440; raises ValueError for anything else."""
    match = _TIME.match(text or "")
    if not match:
        raise ValueError(text)
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    value = hours * 60 + minutes
    if minutes >= 60 or value > DAY_MINUTES:
        raise ValueError(text)
    return value


def format_minutes(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def parse_slot(text: str | None) -> tuple[int, int] | None:
    """A customer's preferred slot such as "14:00-17:00" (also 14-17, 14:00~17:00, 14:00至17:00) in minutes.

    None for an empty or unreadable slot (the customer's free text is then ignored).
    """
    match = _RANGE.match(text or "")
    if not match:
        return None
    try:
        start, end = parse_minutes(match.group(1)), parse_minutes(match.group(2))
    except ValueError:
        return None
    return (start, end) if start < end else None


def _merge(periods: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _complement(periods: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out, cursor = [], 0
    for start, end in _merge(periods):
        if start > cursor:
            out.append((cursor, start))
        cursor = max(cursor, end)
    if cursor < DAY_MINUTES:
        out.append((cursor, DAY_MINUTES))
    return out


def _intersect(a: list[tuple[int, int]], b: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            start, end = max(s1, s2), min(e1, e2)
            if start < end:
                out.append((start, end))
    return _merge(out)


# -- quiet hours (a team setting) -------------------------------------------------------------

def quiet_hours() -> list[tuple[str, str]]:
    """The quiet periods in force, as ("HH:MM", "HH:MM") pairs in day order."""
    stored = team_settings.get(QUIET_HOURS_KEY, None)
    if not stored:
        return list(DEFAULT_QUIET_HOURS)
    try:
        periods = [(format_minutes(parse_minutes(a)), format_minutes(parse_minutes(b))) for a, b in stored]
    except (TypeError, ValueError):
        return list(DEFAULT_QUIET_HOURS)
    return sorted(periods)


def check_quiet_hours(periods: list[tuple[str, str]]) -> list[tuple[int, int]]:
    """Validate quiet periods typed by a supervisor; FormErrors names the row ("period_N")."""
    errors: dict[str, str] = {}
    out: list[tuple[int, int]] = []
    for i, (start_text, end_text) in enumerate(periods):
        try:
            start, end = parse_minutes(start_text), parse_minutes(end_text)
        except ValueError:
            errors[f"period_{i}"] = _("Write the times as HH:MM, e.g. 12:00 and 14:00.")
            continue
        if start >= end:
            errors[f"period_{i}"] = _("A quiet period ends after it starts (use 24:00 for midnight).")
            continue
        out.append((start, end))
    if not errors and not _complement(out):
        errors["period_0"] = _("Quiet hours cannot cover the whole day: no callback could ever be made.")
    if errors:
        raise FormErrors(errors)
    return _merge(out)


@action("callbacks.set_quiet_hours", EDIT_SETTINGS)
def set_quiet_hours(actor: User, periods: list[tuple[str, str]]) -> None:
    """Store the team's quiet hours (customers' rest time); an empty list restores the defaults."""
    if not periods:
        team_settings.put(actor, QUIET_HOURS_KEY, None)
        return
    merged = check_quiet_hours(periods)
    team_settings.put(actor, QUIET_HOURS_KEY, [[format_minutes(a), format_minutes(b)] for a, b in merged])


# -- the statutory calendar ---------------------------------------------------------------------

@functools.lru_cache(maxsize=16)
def _library_year(year: int) -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """(statutory days off, make-up working days) of YEAR according to the ``holidays`` library."""
    from holidays.countries.china import China   # by name, so a frozen bundle finds it; not at start-up
    cn = China(years=year)
    off = frozenset(d for d in cn if d.year == year)
    workdays = frozenset(d for d in getattr(cn, "weekend_workdays", ()) if d.year == year)
    return off, workdays


def holiday_name(day: dt.date) -> str:
    """The library's name of a statutory holiday on DAY ("" when none)."""
    language = "zh_CN" if current_language() == "zh_CN" else "en_US"
    from holidays.countries.china import China
    cn = China(years=day.year, language=language)
    return cn.get(day, "") or ""


@dataclass
class OverrideRow:
    """One entry of the supervisor's calendar overrides."""

    day: dt.date
    is_workday: bool
    note: str


class WorkCalendar:
    """A snapshot of the calendar (overrides and quiet hours read once) for many quick questions.

    Bulk work (a campaign of 10,000 callbacks) builds one and asks it for every row; the
    module functions build a fresh one per call.
    """

    def __init__(self, overrides: dict[dt.date, bool] | None = None,
                 quiet: list[tuple[str, str]] | None = None):
        if overrides is None:
            overrides = {row.day: bool(row.is_workday) for row in CalendarOverride.select()}
        self.overrides = overrides
        periods = quiet if quiet is not None else quiet_hours()
        self.quiet = _merge([(parse_minutes(a), parse_minutes(b)) for a, b in periods])
        #: the allowed (not quiet) windows of a day, in minutes since midnight
        self.windows = _complement(self.quiet) or [(0, DAY_MINUTES)]
        self._working: dict[dt.date, bool] = {}

    def is_working_day(self, day: dt.date) -> bool:
        if isinstance(day, dt.datetime):
            day = day.date()
        known = self._working.get(day)
        if known is not None:
            return known
        if day in self.overrides:
            result = self.overrides[day]
        else:
            off, make_up = _library_year(day.year)
            if day.weekday() >= 5:
                result = day in make_up
            else:
                result = day not in off
        self._working[day] = result
        return result

    def windows_for(self, preferred: tuple[int, int] | None = None) -> list[tuple[int, int]]:
        """The day's allowed windows, narrowed to the customer's preferred slot when they overlap."""
        if preferred:
            narrowed = _intersect(self.windows, [preferred])
            if narrowed:
                return narrowed
        return self.windows

    def is_quiet(self, moment: dt.datetime) -> bool:
        minute = moment.hour * 60 + moment.minute
        return any(start <= minute < end for start, end in self.quiet)

    def is_allowed(self, moment: dt.datetime) -> bool:
        """A working day and outside quiet hours."""
        return self.is_working_day(moment.date()) and not self.is_quiet(moment)

    def next_allowed_time(self, moment: dt.datetime, preferred_time: str | tuple[int, int] | None = None
                          ) -> dt.datetime:
        """MOMENT itself when allowed, else the first allowed moment after it (in the preferred slot if any)."""
        slot = parse_slot(preferred_time) if isinstance(preferred_time, str) else preferred_time
        windows = self.windows_for(slot)
        moment = moment.replace(microsecond=0)
        day = moment.date()
        for offset in range(MAX_SEARCH_DAYS):
            current = day + dt.timedelta(days=offset)
            if not self.is_working_day(current):
                continue
            midnight = dt.datetime.combine(current, dt.time())
            for start, end in windows:
                window_start = midnight + dt.timedelta(minutes=start)
                window_end = midnight + dt.timedelta(minutes=end)
                if offset == 0:
                    if moment >= window_end:
                        continue
                    return max(moment, window_start)
                return window_start
        raise ValidationError(_("No working day was found in the next {days} days: check the calendar "
                                "overrides.").format(days=MAX_SEARCH_DAYS))

    def _window_end(self, moment: dt.datetime) -> dt.datetime:
        """The end of the allowed window MOMENT (an allowed moment) lies in."""
        minute = moment.hour * 60 + moment.minute
        midnight = dt.datetime.combine(moment.date(), dt.time())
        for start, end in self.windows:
            if start <= minute < end:
                return midnight + dt.timedelta(minutes=end)
        return moment

    def add_working_hours(self, start: dt.datetime, hours: float) -> dt.datetime:
        """START plus HOURS counted only on working days outside quiet hours (complaint deadlines)."""
        remaining = dt.timedelta(hours=hours)
        if remaining <= dt.timedelta(0):
            return start.replace(microsecond=0)
        moment = self.next_allowed_time(start)
        while True:
            end = self._window_end(moment)
            available = end - moment
            if remaining <= available:
                return (moment + remaining).replace(microsecond=0)
            remaining -= available
            moment = self.next_allowed_time(end)

    def working_days(self, first: dt.date, last: dt.date) -> list[dt.date]:
        """The working days from FIRST to LAST, both included."""
        days = []
        current = first
        while current <= last:
            if self.is_working_day(current):
                days.append(current)
            current += dt.timedelta(days=1)
        return days

    def latest_working_day(self, first: dt.date, last: dt.date) -> dt.date | None:
        """The last working day from FIRST to LAST (None when there is none)."""
        current = last
        while current >= first:
            if self.is_working_day(current):
                return current
            current -= dt.timedelta(days=1)
        return None


def snapshot() -> WorkCalendar:
    """A calendar snapshot for many questions in a row."""
    return WorkCalendar()


def is_working_day(day: dt.date) -> bool:
    """Not a weekend (unless a make-up working day) and not a statutory holiday; an override wins."""
    return snapshot().is_working_day(day)


def is_quiet(moment: dt.datetime) -> bool:
    """MOMENT falls in the team's quiet hours (whatever the day)."""
    return snapshot().is_quiet(moment)


def next_allowed_time(moment: dt.datetime, preferred_time: str | None = None) -> dt.datetime:
    """The first moment from MOMENT on a working day outside quiet hours, in the customer's preferred slot
    when it leaves any time outside quiet hours (otherwise the slot is ignored)."""
    return snapshot().next_allowed_time(moment, preferred_time)


def add_working_hours(start: dt.datetime, hours: float) -> dt.datetime:
    """START plus HOURS of working time: quiet hours, weekends and holidays do not count."""
    return snapshot().add_working_hours(start, hours)


# -- is a year's schedule official? --------------------------------------------------------------

def year_is_official(year: int) -> bool:
    """True when the year's official schedule is known: override rows, or announced make-up days in the library."""
    if _library_year(year)[1]:
        return True
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    return CalendarOverride.select().where(CalendarOverride.day.between(first, last)).exists()


def unofficial_year_notice(day: dt.date) -> str | None:
    """The notice for DAY's year when its official schedule is not entered (None when it is)."""
    if year_is_official(day.year):
        return None
    return _("The official holiday schedule for {year} is not entered yet: callbacks are planned on the "
             "computed statutory holidays. A supervisor can enter the State Council's schedule under Calendar."
             ).format(year=day.year)


def notice_once(day: dt.date) -> str | None:
    """Like ``unofficial_year_notice``, but only the first time a year is asked about in this run."""
    if day.year in _told_years:
        return None
    notice = unofficial_year_notice(day)
    if notice:
        _told_years.add(day.year)
    return notice


def forget_notices() -> None:
    """Forget which notices were given (tests)."""
    _told_years.clear()


# -- the override table -----------------------------------------------------------------------

def list_overrides(year: int | None = None) -> list[OverrideRow]:
    query = CalendarOverride.select().order_by(CalendarOverride.day)
    if year is not None:
        query = query.where(CalendarOverride.day.between(dt.date(year, 1, 1), dt.date(year, 12, 31)))
    return [OverrideRow(r.day, bool(r.is_workday), r.note) for r in query]


@action("calendar.save_override", EDIT_SETTINGS)
def save_override(actor: User, day: dt.date, is_workday: bool, note: str = "") -> None:
    """Enter one day of the official schedule (a holiday or a make-up working day); it wins over the library."""
    note = (note or "").strip()
    if len(note) > 64:
        raise ValidationError(_("The note is too long (64 characters at most)."), "note")
    with database.atomic():
        old = CalendarOverride.get_or_none(CalendarOverride.day == day)
        CalendarOverride.insert(day=day, is_workday=bool(is_workday), note=note).on_conflict(
            conflict_target=[CalendarOverride.day],
            update={CalendarOverride.is_workday: bool(is_workday), CalendarOverride.note: note}).execute()
        audit.record(actor, "calendar_override_saved", entity="calendar", summary=day.isoformat(),
                     details={"is_workday": bool(is_workday), "note": note,
                              "changes": {"is_workday": [bool(old.is_workday) if old else None, bool(is_workday)],
                                          "note": [old.note if old else None, note]}})


@action("calendar.delete_override", EDIT_SETTINGS)
def delete_override(actor: User, day: dt.date) -> None:
    """Remove an override; the library's answer applies to that day again."""
    with database.atomic():
        old = CalendarOverride.get_or_none(CalendarOverride.day == day)
        CalendarOverride.delete().where(CalendarOverride.day == day).execute()
        audit.record(actor, "calendar_override_deleted", entity="calendar", summary=day.isoformat(),
                     details={"changes": {"is_workday": [bool(old.is_workday) if old else None, None],
                                          "note": [old.note if old else None, None]}})


def library_day_kind(day: dt.date) -> tuple[bool, str]:
    """(working day by the library alone, the holiday's name or "make-up working day"), for the editor."""
    off, make_up = _library_year(day.year)
    if day.weekday() >= 5:
        return (day in make_up, _("Make-up working day") if day in make_up else "")
    return (day not in off, holiday_name(day) if day in off else "")


def library_schedule(year: int) -> list[tuple[dt.date, bool, str]]:
    """The library's statutory days off and make-up working days of YEAR: (day, is working day, name)."""
    off, make_up = _library_year(year)
    rows = [(d, False, holiday_name(d)) for d in off] + [(d, True, _("Make-up working day")) for d in make_up]
    return sorted(rows)
