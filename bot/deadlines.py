"""When a duty officer must have decided on a referral, given its rating.

- RED: 4 hours after it was received, by the clock (elapsed time; nights, weekends and bank
  holidays count, because a RED referral cannot wait for office hours).
- AMBER: 1 working day. GREEN: 3 working days.

A working day is Monday to Friday that is not an England & Wales bank holiday.

Adding N working days keeps the time of day and steps over non-working days:
Friday 16:30 + 1 working day = Monday 16:30; Thursday before Good Friday 10:00 + 1 = Tuesday 10:00.
A referral received on a non-working day counts from 09:00 on the next working day:
Saturday 22:00 + 1 working day = Tuesday 09:00 (Monday 09:00 is the start, not the end).

Working-day sums are done on the Europe/London wall clock, so "the same time on Monday" means
what staff expect even when BST starts or ends over the weekend; the result is returned in UTC.
Clocks only change at 01:00 UTC on a Sunday, never a working day, so a deadline's local time
always exists and is never ambiguous.

Outside the years in ``BANK_HOLIDAYS`` only weekends are skipped and a warning is logged: the
deadline may then fall a day early, never late. Add the next year's dates before it starts.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

log = logging.getLogger(__name__)

LONDON = ZoneInfo("Europe/London")
RED_HOURS = 4
WORKING_DAYS = {"AMBER": 1, "GREEN": 3}
START_OF_DAY = time(9, 0)  # when a referral received on a non-working day starts counting

# England & Wales bank holidays, from https://www.gov.uk/bank-holidays (the England and Wales
# list; Scotland and Northern Ireland differ). Substitute days are listed where the holiday
# itself falls at a weekend. One-off holidays (a coronation, a jubilee) are announced about a
# year ahead: add them here when they are.
BANK_HOLIDAYS: dict[date, str] = {
    date(2025, 1, 1): "New Year's Day",
    date(2025, 4, 18): "Good Friday",
    date(2025, 4, 21): "Easter Monday",
    date(2025, 5, 5): "Early May bank holiday",
    date(2025, 5, 26): "Spring bank holiday",
    date(2025, 8, 25): "Summer bank holiday",
    date(2025, 12, 25): "Christmas Day",
    date(2025, 12, 26): "Boxing Day",
    date(2026, 1, 1): "New Year's Day",
    date(2026, 4, 3): "Good Friday",
    date(2026, 4, 6): "Easter Monday",
    date(2026, 5, 4): "Early May bank holiday",
    date(2026, 5, 25): "Spring bank holiday",
    date(2026, 8, 31): "Summer bank holiday",
    date(2026, 12, 25): "Christmas Day",
    date(2026, 12, 28): "Boxing Day (substitute day)",
    date(2027, 1, 1): "New Year's Day",
    date(2027, 3, 26): "Good Friday",
    date(2027, 3, 29): "Easter Monday",
    date(2027, 5, 3): "Early May bank holiday",
    date(2027, 5, 31): "Spring bank holiday",
    date(2027, 8, 30): "Summer bank holiday",
    date(2027, 12, 27): "Christmas Day (substitute day)",
    date(2027, 12, 28): "Boxing Day (substitute day)",
    date(2028, 1, 3): "New Year's Day (substitute day)",
    date(2028, 4, 14): "Good Friday",
    date(2028, 4, 17): "Easter Monday",
    date(2028, 5, 1): "Early May bank holiday",
    date(2028, 5, 29): "Spring bank holiday",
    date(2028, 8, 28): "Summer bank holiday",
    date(2028, 12, 25): "Christmas Day",
    date(2028, 12, 26): "Boxing Day",
}
KNOWN_YEARS = frozenset(d.year for d in BANK_HOLIDAYS)


def is_working_day(day: date) -> bool:
    if day.year not in KNOWN_YEARS:
        log.warning("no bank holidays known for %s: counting weekends only", day.year)
    return day.weekday() < 5 and day not in BANK_HOLIDAYS


def _next_working_day(day: date) -> date:
    day += timedelta(days=1)
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: datetime, days: int) -> datetime:
    """``start`` plus ``days`` working days, by the rule in the module docstring; UTC."""
    local = start.astimezone(LONDON)
    day, clock = local.date(), local.time()
    if not is_working_day(day):
        day, clock = _next_working_day(day), START_OF_DAY
    for _ in range(days):
        day = _next_working_day(day)
    # Rebuilding from date + wall-clock time (not adding timedeltas) keeps 16:00 as 16:00 across
    # a BST/GMT change; zoneinfo picks that date's offset.
    return datetime.combine(day, clock, tzinfo=LONDON).astimezone(timezone.utc)


def deadline_for(priority: str, received_at: datetime) -> datetime:
    """The decision deadline (UTC) for a referral of this rating received at ``received_at``."""
    if received_at.tzinfo is None or received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    if priority == "RED":
        return received_at.astimezone(timezone.utc) + timedelta(hours=RED_HOURS)
    if priority not in WORKING_DAYS:
        raise ValueError(f"unknown priority {priority!r}: expected RED, AMBER or GREEN")
    return add_working_days(received_at, WORKING_DAYS[priority])
