"""The business-day calendar: weekends and US federal holidays (observed), computed for any year."""

from datetime import date

from moderation.services.business_days import (
    business_days_between,
    federal_holidays,
    is_business_day,
    nth_business_day_after,
)


def test_federal_holidays_2026_with_observed_days():
    assert federal_holidays(2026) == {
        date(2026, 1, 1), date(2026, 1, 19), date(2026, 2, 16), date(2026, 5, 25), date(2026, 6, 19),
        date(2026, 7, 3),  # 4 July is a Saturday: observed Friday
        date(2026, 9, 7), date(2026, 10, 12), date(2026, 11, 11), date(2026, 11, 26), date(2026, 12, 25)}


def test_new_year_on_a_saturday_is_observed_on_the_last_day_of_the_year_before():
    assert date(2021, 12, 31) in federal_holidays(2021)  # 1 January 2022 was a Saturday
    assert date(2022, 1, 1) not in federal_holidays(2022)
    assert date(2028, 1, 1).weekday() == 5 and date(2027, 12, 31) in federal_holidays(2027)


def test_sunday_holiday_observed_monday_and_juneteenth_only_from_2021():
    assert date(2022, 12, 26) in federal_holidays(2022)  # Christmas on a Sunday
    assert date(2020, 6, 19) not in federal_holidays(2020)
    assert date(2035, 11, 22) in federal_holidays(2035)  # Thanksgiving, fourth Thursday


def test_counting_business_days_skips_weekends_and_holidays():
    assert not is_business_day(date(2026, 11, 28))  # Saturday
    assert not is_business_day(date(2026, 11, 26))  # Thanksgiving
    # Received Wednesday 25 November 2026: Thanksgiving and the weekend do not count.
    assert nth_business_day_after(date(2026, 11, 25), 1) == date(2026, 11, 27)
    assert nth_business_day_after(date(2026, 11, 25), 10) == date(2026, 12, 10)
    assert nth_business_day_after(date(2026, 11, 25), 14) == date(2026, 12, 16)
    # Received on a Saturday: Monday is the first business day after.
    assert nth_business_day_after(date(2026, 12, 19), 1) == date(2026, 12, 21)
    # Around Christmas and New Year.
    assert nth_business_day_after(date(2026, 12, 23), 10) == date(2027, 1, 8)
    assert business_days_between(date(2026, 11, 25), date(2026, 12, 10)) == 10
