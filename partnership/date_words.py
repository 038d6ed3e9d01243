"""Dates in words, as the site's date filters write them, for code that writes many of them at once.

Django's ``date`` filter and ``date_format`` look the format up, build a formatter and translate each name for
every date: 100 to 150 µs each. Pages that write hundreds (a history of 50 rows, a business manager's tasks) spend
a large part of their time there (issue 13). The site has one language (``LANGUAGE_CODE`` "en-gb"), so the names
are fixed here; ``tests/partnership/test_date_words.py`` checks each function against the filter it replaces.
"""

from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
MONTHS_SHORT = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def day_month_year(day: date) -> str:
    """ "7 December 2026": the filter's "j F Y"."""
    return f"{day.day} {MONTHS[day.month]} {day.year}"


def weekday_day_month_year(day: date) -> str:
    """ "Monday 7 December 2026": the filter's "l j F Y"."""
    return f"{WEEKDAYS[day.weekday()]} {day_month_year(day)}"


def day_month_year_time(moment: datetime) -> str:
    """ "7 December 2026, 09:05": the filter's "j F Y, H:i" (``moment`` already in the time zone to show)."""
    return f"{day_month_year(moment)}, {moment:%H:%M}"


def day_short_month_year(day: date) -> str:
    """ "7 Dec 2026": the filter's "j M Y"."""
    return f"{day.day} {MONTHS_SHORT[day.month]} {day.year}"


def short_day_month_year_time(moment: datetime) -> str:
    """ "7 Dec 2026, 09:05": the filter's "j M Y, H:i" (``moment`` already in the time zone to show)."""
    return f"{day_short_month_year(moment)}, {moment:%H:%M}"
