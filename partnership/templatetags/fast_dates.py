"""The ``date`` filter, installed as a template builtin in place of Django's (``TEMPLATES`` in settings).

Django's filter looks the format up, builds a formatter and translates each name for every date it writes: about
15 µs a date on this hardware, against a quarter of a microsecond for the same words from ``partnership.date_words``.
A list of 25 rows writes 50 to 75 dates, a register or a history more (issue 13). The site's formats that appear
most in its templates are written here; any other format, any other language and anything that is not a date or
a datetime go to Django's own filter, so what a page shows does not change
(``tests/partnership/test_fast_dates.py`` compares the two).
"""

from __future__ import annotations

import datetime

from django import template
from django.template import defaultfilters
from django.utils import translation

from partnership import date_words

register = template.Library()

LANGUAGE = "en-gb"

# Formats of a date, or of a datetime's day.
DAY_FORMATS = {
    "j F Y": date_words.day_month_year,
    "j M Y": date_words.day_short_month_year,
    "l j F Y": date_words.weekday_day_month_year,
}
# Formats with a time of day, for datetimes only: Django refuses a time format for a plain date.
MOMENT_FORMATS = {
    "j F Y, H:i": date_words.day_month_year_time,
    "j M Y, H:i": date_words.short_day_month_year_time,
}


# As Django's: the value is turned into the current time zone's time before the filter sees it.
@register.filter(expects_localtime=True, is_safe=False)
def date(value, arg=None):
    if isinstance(value, datetime.date) and translation.get_language() == LANGUAGE:
        words = MOMENT_FORMATS.get(arg) if isinstance(value, datetime.datetime) else None
        if words is None:
            words = DAY_FORMATS.get(arg)
        if words is not None:
            return words(value)
    return defaultfilters.date(value, arg)
