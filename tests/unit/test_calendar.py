"""Working days (weekends, statutory holidays, make-up days, overrides), quiet hours and working-hour deadlines."""
from __future__ import annotations

import datetime as dt

import pytest

from desktop_cs import clock
from desktop_cs.services import calendar
from desktop_cs.services.errors import FormErrors, PermissionDenied

D = dt.date
T = dt.datetime

# 2026 (the State Council's schedule, in the holidays library): National Day 10-01..10-07 off;
# Sunday 09-20 and Saturday 10-10 are make-up working days. 2026-11-20 is a Friday.
NATIONAL_DAY = [D(2026, 10, d) for d in range(1, 8)]


@pytest.fixture(autouse=True)
def fixed_clock(db):
    clock.freeze(T(2026, 11, 20, 10, 0))
    calendar.forget_notices()
    yield
    calendar.forget_notices()


def test_the_library_has_the_2026_schedule_this_test_relies_on():
    assert calendar.year_is_official(2026)
    for day in NATIONAL_DAY:
        assert not calendar.is_working_day(day), day
    assert calendar.is_working_day(D(2026, 10, 8))                 # Thursday after the holiday


def test_weekends_are_off_and_make_up_days_are_working_days():
    assert calendar.is_working_day(D(2026, 11, 20))                # Friday
    assert not calendar.is_working_day(D(2026, 11, 21))            # Saturday
    assert not calendar.is_working_day(D(2026, 11, 22))            # Sunday
    assert calendar.is_working_day(D(2026, 10, 10))                # Saturday, make-up working day (调休)
    assert calendar.is_working_day(D(2026, 9, 20))                 # Sunday, make-up working day
    assert not calendar.is_working_day(D(2026, 10, 11))            # the Sunday after it


def test_next_allowed_time_skips_quiet_hours():
    assert calendar.next_allowed_time(T(2026, 11, 20, 10, 0)) == T(2026, 11, 20, 10, 0)
    assert calendar.next_allowed_time(T(2026, 11, 20, 8, 15)) == T(2026, 11, 20, 9, 0)
    assert calendar.next_allowed_time(T(2026, 11, 20, 12, 30)) == T(2026, 11, 20, 14, 0)
    assert calendar.next_allowed_time(T(2026, 11, 19, 21, 0)) == T(2026, 11, 20, 9, 0)   # 21:00 is quiet


def test_next_allowed_time_skips_weekends_and_the_statutory_holiday():
    assert calendar.next_allowed_time(T(2026, 11, 20, 21, 30)) == T(2026, 11, 23, 9, 0)  # Friday night -> Monday
    assert calendar.next_allowed_time(T(2026, 9, 30, 21, 30)) == T(2026, 10, 8, 9, 0)   # over National Day


def test_next_allowed_time_honours_a_make_up_working_day():
    assert calendar.next_allowed_time(T(2026, 10, 9, 22, 0)) == T(2026, 10, 10, 9, 0)   # Friday night -> Saturday
    assert calendar.next_allowed_time(T(2026, 9, 19, 12, 0)) == T(2026, 9, 20, 9, 0)    # Saturday -> Sunday


def test_the_preferred_slot_is_honoured_inside_the_allowed_hours():
    at = T(2026, 11, 20, 10, 0)
    assert calendar.next_allowed_time(at, "14:00-17:00") == T(2026, 11, 20, 14, 0)
    assert calendar.next_allowed_time(at, "19:00～22:00") == T(2026, 11, 20, 19, 0)
    assert calendar.next_allowed_time(T(2026, 11, 20, 17, 30), "14-17") == T(2026, 11, 23, 14, 0)
    # a slot wholly in quiet hours, or unreadable free text, is ignored
    assert calendar.next_allowed_time(at, "12:00-13:30") == at
    assert calendar.next_allowed_time(at, "下午") == at


def test_an_override_wins_over_the_library(supervisor, specialist):
    with pytest.raises(PermissionDenied):
        calendar.save_override(specialist, D(2026, 11, 23), False)
    calendar.save_override(supervisor, D(2026, 11, 23), False, "公司年会")       # a Monday made a day off
    calendar.save_override(supervisor, D(2026, 10, 2), True, "值班")            # a statutory holiday made working
    assert not calendar.is_working_day(D(2026, 11, 23))
    assert calendar.is_working_day(D(2026, 10, 2))
    assert calendar.next_allowed_time(T(2026, 11, 20, 21, 30)) == T(2026, 11, 24, 9, 0)
    calendar.delete_override(supervisor, D(2026, 11, 23))
    assert calendar.is_working_day(D(2026, 11, 23))
    assert [o.day for o in calendar.list_overrides(2026)] == [D(2026, 10, 2)]


def test_add_working_hours_counts_only_allowed_time():
    assert calendar.add_working_hours(T(2026, 11, 20, 10, 0), 3) == T(2026, 11, 20, 15, 0)    # lunch skipped
    assert calendar.add_working_hours(T(2026, 11, 20, 20, 0), 2) == T(2026, 11, 23, 10, 0)    # weekend skipped
    assert calendar.add_working_hours(T(2026, 9, 30, 20, 0), 1.5) == T(2026, 10, 8, 9, 30)    # National Day
    assert calendar.add_working_hours(T(2026, 11, 20, 7, 0), 3) == T(2026, 11, 20, 12, 0)     # starts at 09:00
    assert calendar.add_working_hours(T(2026, 11, 20, 10, 0), 10) == T(2026, 11, 23, 10, 0)   # 2+7 Fri, 1 Mon


def test_quiet_hours_are_a_team_setting(supervisor, specialist):
    assert calendar.quiet_hours() == calendar.DEFAULT_QUIET_HOURS
    with pytest.raises(PermissionDenied):
        calendar.set_quiet_hours(specialist, [("00:00", "08:00")])
    with pytest.raises(FormErrors) as err:
        calendar.set_quiet_hours(supervisor, [("08:00", "07:00"), ("9点", "10:00")])
    assert set(err.value.errors) == {"period_0", "period_1"}
    with pytest.raises(FormErrors):
        calendar.set_quiet_hours(supervisor, [("00:00", "24:00")])
    calendar.set_quiet_hours(supervisor, [("22:00", "24:00"), ("00:00", "08:00")])
    assert calendar.quiet_hours() == [("00:00", "08:00"), ("22:00", "24:00")]
    assert calendar.next_allowed_time(T(2026, 11, 20, 7, 0)) == T(2026, 11, 20, 8, 0)
    assert calendar.next_allowed_time(T(2026, 11, 20, 12, 30)) == T(2026, 11, 20, 12, 30)
    calendar.set_quiet_hours(supervisor, [])
    assert calendar.quiet_hours() == calendar.DEFAULT_QUIET_HOURS


def test_a_year_without_its_official_schedule_says_so_once(supervisor):
    # the library computes 2027's statutory holidays but has no announced make-up days yet
    assert not calendar.year_is_official(2027)
    assert not calendar.is_working_day(D(2027, 10, 1))
    notice = calendar.notice_once(D(2027, 3, 1))
    assert notice and "2027" in notice
    assert calendar.notice_once(D(2027, 5, 1)) is None                # once per run
    assert calendar.notice_once(D(2026, 12, 1)) is None               # 2026 is official
    calendar.save_override(supervisor, D(2027, 2, 20), True, "调休")
    assert calendar.year_is_official(2027) and calendar.unofficial_year_notice(D(2027, 3, 1)) is None


def test_library_day_kind_names_holidays_for_the_editor():
    working, name = calendar.library_day_kind(D(2026, 10, 1))
    assert not working and name
    assert calendar.library_day_kind(D(2026, 10, 10))[0] is True
