"""Billing-period arithmetic: calendar months, clamped to the month's last day (Jan 31 + 1 month = Feb 28)."""

import calendar
from datetime import datetime
from decimal import Decimal

from payments.money import Money


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def prorated(difference: Money, start: datetime, end: datetime, now: datetime) -> Money:
    """The share of ``difference`` for what is left of the period [start, end), rounded once (half-up)."""
    total = (end - start).total_seconds()
    left = min(max((end - now).total_seconds(), 0.0), total)  # a period not yet begun counts whole
    if total <= 0 or left <= 0:
        return Money.zero(difference.currency)
    return difference.multiply(Decimal(int(left)) / Decimal(int(total)))
