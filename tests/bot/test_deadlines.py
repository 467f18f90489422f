"""Decision deadlines: what a duty officer sees as "decide by" on the queue.

Times in the tables are Europe/London wall-clock times, as staff read them.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.deadlines import BANK_HOLIDAYS, deadline_for, is_working_day

LONDON = ZoneInfo("Europe/London")


def london(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=LONDON)


@pytest.mark.parametrize(
    "priority, received, expected, why",
    [
        # AMBER: one working day, same time of day.
        ("AMBER", london(2026, 6, 10, 11, 15), london(2026, 6, 11, 11, 15), "Wednesday -> Thursday"),
        ("AMBER", london(2026, 6, 12, 16, 30), london(2026, 6, 15, 16, 30), "Friday afternoon -> Monday, not Saturday"),
        ("AMBER", london(2026, 6, 12, 23, 50), london(2026, 6, 15, 23, 50), "late Friday night still counts as Friday"),
        ("AMBER", london(2026, 6, 13, 22, 0), london(2026, 6, 16, 9, 0), "Saturday: counts from Monday 09:00"),
        ("AMBER", london(2026, 6, 14, 3, 0), london(2026, 6, 16, 9, 0), "Sunday: counts from Monday 09:00"),
        # GREEN: three working days.
        ("GREEN", london(2026, 6, 10, 11, 15), london(2026, 6, 15, 11, 15), "Wednesday -> Monday over the weekend"),
        ("GREEN", london(2026, 6, 12, 16, 30), london(2026, 6, 17, 16, 30), "Friday -> Wednesday"),
        ("GREEN", london(2026, 6, 13, 10, 0), london(2026, 6, 18, 9, 0), "Saturday -> Thursday 09:00"),
        # Christmas 2026: Friday 25th, and Boxing Day's substitute on Monday 28th.
        ("AMBER", london(2026, 12, 24, 10, 0), london(2026, 12, 29, 10, 0), "Christmas Eve -> Tuesday 29th"),
        ("AMBER", london(2026, 12, 25, 10, 0), london(2026, 12, 30, 9, 0), "Christmas Day counts from Tue 29th 09:00"),
        ("GREEN", london(2026, 12, 24, 10, 0), london(2026, 12, 31, 10, 0), "Christmas Eve -> New Year's Eve"),
        ("GREEN", london(2026, 12, 30, 10, 0), london(2027, 1, 5, 10, 0), "over New Year's Day 2027 (a Friday)"),
        # Easter 2027: Good Friday 26 March, Easter Monday 29 March, and the clocks go forward on the 28th.
        ("AMBER", london(2027, 3, 25, 14, 0), london(2027, 3, 30, 14, 0), "Thursday before Easter -> Tuesday"),
        ("GREEN", london(2027, 3, 25, 14, 0), london(2027, 4, 1, 14, 0), "Thursday before Easter -> Thursday after"),
        ("AMBER", london(2027, 3, 26, 14, 0), london(2027, 3, 31, 9, 0), "received on Good Friday"),
        # Christmas 2027 falls at a weekend: both substitute days (27th, 28th) are skipped.
        ("AMBER", london(2027, 12, 24, 12, 0), london(2027, 12, 29, 12, 0), "Christmas Eve 2027 -> Wednesday 29th"),
        # Bank holiday Mondays.
        ("AMBER", london(2026, 8, 28, 15, 0), london(2026, 9, 1, 15, 0), "Friday before the August bank holiday"),
        ("AMBER", london(2025, 5, 2, 9, 30), london(2025, 5, 6, 9, 30), "Friday before early May 2025"),
        ("AMBER", london(2028, 1, 1, 12, 0), london(2028, 1, 5, 9, 0), "New Year's Day 2028 (Sat), substitute Mon 3rd"),
        # BST/GMT changes over the weekend: the wall-clock time is kept.
        ("AMBER", london(2026, 3, 27, 16, 0), london(2026, 3, 30, 16, 0), "GMT Friday -> BST Monday"),
        ("AMBER", london(2026, 10, 23, 16, 0), london(2026, 10, 26, 16, 0), "BST Friday -> GMT Monday"),
    ],
)
def test_working_day_deadlines(priority: str, received: datetime, expected: datetime, why: str) -> None:
    deadline = deadline_for(priority, received)
    assert deadline == expected, why
    assert deadline.utcoffset() == timedelta(0), "deadlines are returned in UTC"
    assert deadline.astimezone(LONDON).time() == expected.time()


def test_clock_change_moves_the_utc_time_not_the_office_time() -> None:
    # 16:00 GMT on Friday is 16:00 UTC; 16:00 BST on Monday is 15:00 UTC.
    assert deadline_for("AMBER", london(2026, 3, 27, 16, 0)) == datetime(2026, 3, 30, 15, 0, tzinfo=timezone.utc)
    # 16:00 BST on Friday is 15:00 UTC; 16:00 GMT on Monday is 16:00 UTC.
    assert deadline_for("AMBER", london(2026, 10, 23, 16, 0)) == datetime(2026, 10, 26, 16, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "received, expected",
    [
        (london(2026, 6, 10, 11, 0), london(2026, 6, 10, 15, 0)),  # a working day
        (london(2026, 6, 13, 22, 30), london(2026, 6, 14, 2, 30)),  # Saturday night: RED does not wait for Monday
        (london(2026, 12, 25, 9, 0), london(2026, 12, 25, 13, 0)),  # Christmas Day
        # 00:30 GMT on the night the clocks go forward: four hours later is 05:30 BST (04:30 UTC).
        (london(2026, 3, 29, 0, 30), london(2026, 3, 29, 5, 30)),
        # 00:30 BST on the night the clocks go back: four hours later is 03:30 GMT.
        (london(2026, 10, 25, 0, 30), london(2026, 10, 25, 3, 30)),
    ],
)
def test_red_is_four_hours_by_the_clock(received: datetime, expected: datetime) -> None:
    deadline = deadline_for("RED", received)
    assert deadline == expected
    assert deadline - received == timedelta(hours=4)
    assert deadline.tzinfo == timezone.utc


def test_any_timezone_in_gives_the_same_deadline() -> None:
    in_utc = datetime(2026, 6, 12, 15, 30, tzinfo=timezone.utc)  # 16:30 BST, a Friday
    assert deadline_for("AMBER", in_utc) == deadline_for("AMBER", in_utc.astimezone(LONDON))
    assert deadline_for("AMBER", in_utc) == london(2026, 6, 15, 16, 30)


def test_late_sunday_in_utc_is_already_monday_in_london() -> None:
    # 23:30 UTC on Sunday 14 June 2026 is 00:30 BST on Monday: a working day in London.
    received = datetime(2026, 6, 14, 23, 30, tzinfo=timezone.utc)
    assert deadline_for("AMBER", received) == london(2026, 6, 16, 0, 30)


@pytest.mark.parametrize("priority", ["red", "Amber", "", "URGENT", None])
def test_unknown_priority_is_refused(priority: str) -> None:
    with pytest.raises(ValueError):
        deadline_for(priority, london(2026, 6, 10, 11, 0))


@pytest.mark.parametrize("priority", ["RED", "AMBER", "GREEN"])
def test_naive_datetime_is_refused(priority: str) -> None:
    with pytest.raises(ValueError):
        deadline_for(priority, datetime(2026, 6, 10, 11, 0))


# --- the bank holiday table ---------------------------------------------------------------------


def _easter(year: int) -> date:
    """Gregorian Easter Sunday (the anonymous algorithm), to check the hard-coded table."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ll = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ll) // 451
    month = (h + ll - 7 * m + 114) // 31
    return date(year, month, (h + ll - 7 * m + 114) % 31 + 1)


def _first_monday(year: int, month: int) -> date:
    d = date(year, month, 1)
    return d + timedelta(days=(7 - d.weekday()) % 7)


def _last_monday(year: int, month: int) -> date:
    d = date(year, month + 1, 1) - timedelta(days=1)
    return d - timedelta(days=d.weekday())


def _substitute(d: date, taken: set[date]) -> date:
    while d.weekday() >= 5 or d in taken:
        d += timedelta(days=1)
    return d


def _england_and_wales(year: int) -> set[date]:
    """The standing rules for England & Wales (no one-off holidays are announced for 2025-2028)."""
    days = {
        _substitute(date(year, 1, 1), set()),
        _easter(year) - timedelta(days=2),
        _easter(year) + timedelta(days=1),
        _first_monday(year, 5),
        _last_monday(year, 5),
        _last_monday(year, 8),
    }
    christmas = _substitute(date(year, 12, 25), set())
    days |= {christmas, _substitute(date(year, 12, 26), {christmas})}
    return days


@pytest.mark.parametrize("year", [2025, 2026, 2027, 2028])
def test_bank_holiday_table_matches_the_rules(year: int) -> None:
    assert {d for d in BANK_HOLIDAYS if d.year == year} == _england_and_wales(year)


def test_bank_holidays_are_all_weekdays_and_not_working_days() -> None:
    for day in BANK_HOLIDAYS:
        assert day.weekday() < 5, day
        assert not is_working_day(day)


def test_beyond_the_table_weekends_are_still_skipped_and_a_warning_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.deadlines"):
        deadline = deadline_for("AMBER", london(2029, 6, 15, 16, 0))  # a Friday
    assert deadline == london(2029, 6, 18, 16, 0)
    assert "2029" in caplog.text
