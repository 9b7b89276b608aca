"""US federal business days: weekends and the federal holidays of 5 U.S.C. 6103, computed for any year.

A holiday on a Saturday is observed the Friday before, on a Sunday the Monday after (so New Year's Day
of year Y+1 may be observed on 31 December of year Y). Dates are calendar dates in UTC.
"""

import calendar
from datetime import date, timedelta
from functools import lru_cache


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> date:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _observed(day: date) -> date:
    if day.weekday() == calendar.SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == calendar.SUNDAY:
        return day + timedelta(days=1)
    return day


def _holidays_of(year: int) -> list[date]:
    fixed = [date(year, 1, 1), date(year, 7, 4), date(year, 11, 11), date(year, 12, 25)]
    if year >= 2021:  # Juneteenth National Independence Day
        fixed.append(date(year, 6, 19))
    moving = [
        _nth_weekday(year, 1, calendar.MONDAY, 3),  # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, calendar.MONDAY, 3),  # Washington's Birthday
        _last_weekday(year, 5, calendar.MONDAY),  # Memorial Day
        _nth_weekday(year, 9, calendar.MONDAY, 1),  # Labor Day
        _nth_weekday(year, 10, calendar.MONDAY, 2),  # Columbus Day
        _nth_weekday(year, 11, calendar.THURSDAY, 4),  # Thanksgiving Day
    ]
    return [_observed(d) for d in fixed] + moving


@lru_cache(maxsize=64)
def federal_holidays(year: int) -> frozenset[date]:
    """Observed federal holidays falling in ``year`` (including next New Year's observed on 31 December)."""
    days = set(_holidays_of(year - 1) + _holidays_of(year) + _holidays_of(year + 1))
    return frozenset(d for d in days if d.year == year)


def is_business_day(day: date) -> bool:
    return day.weekday() < calendar.SATURDAY and day not in federal_holidays(day.year)


def nth_business_day_after(start: date, n: int) -> date:
    """The n-th business day after ``start`` (``start`` itself never counts): n=1 is the next business day."""
    if n < 1:
        raise ValueError("n must be at least 1")
    day, counted = start, 0
    while counted < n:
        day += timedelta(days=1)
        if is_business_day(day):
            counted += 1
    return day


def business_days_between(start: date, end: date) -> int:
    """How many business days fall after ``start`` up to and including ``end``."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_business_day(day)
    return count
