"""``partnership.date_words`` writes what the date filters it replaces write, for every month and weekday."""

from datetime import date, datetime, timedelta

from django.utils.dateformat import format as date_filter

from partnership.date_words import (
    day_month_year,
    day_month_year_time,
    day_short_month_year,
    short_day_month_year_time,
    weekday_day_month_year,
)

# Every day of a leap year and of the next, so every month, weekday and day of the month appears.
DAYS = [date(2028, 1, 1) + timedelta(days=n) for n in range(366 + 365)]
MOMENTS = [datetime(2026, 12, 31, 0, 5) + timedelta(days=n, hours=7 * n, minutes=11 * n) for n in range(400)]


def test_dates_are_the_filters():
    assert [day_month_year(d) for d in DAYS] == [date_filter(d, "j F Y") for d in DAYS]
    assert [weekday_day_month_year(d) for d in DAYS] == [date_filter(d, "l j F Y") for d in DAYS]
    assert [day_short_month_year(d) for d in DAYS] == [date_filter(d, "j M Y") for d in DAYS]


def test_times_are_the_filters():
    assert [day_month_year_time(m) for m in MOMENTS] == [date_filter(m, "j F Y, H:i") for m in MOMENTS]
    assert [short_day_month_year_time(m) for m in MOMENTS] == [date_filter(m, "j M Y, H:i") for m in MOMENTS]
