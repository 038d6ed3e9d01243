"""The site's ``date`` filter (``partnership.templatetags.fast_dates``) writes what Django's writes, page for page:
the same template rendered by the site's engine and by an engine with Django's builtins only."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.template import Engine
from django.utils import timezone, translation

from partnership.templatetags import fast_dates
from tests.partnership.conftest import filter_used, rendered

FORMATS = [
    *fast_dates.DAY_FORMATS,
    *fast_dates.MOMENT_FORMATS,
    "H:i",  # and formats it leaves to Django's
    "D j M Y",
    "j M",
]
DAYS = [date(2028, 1, 1) + timedelta(days=n) for n in range(366 + 365)]
# Aware moments every 7 hours 11 minutes for 400 days, across both clock changes: shown in London time.
AWARE = [datetime(2026, 1, 1, 0, 5, tzinfo=UTC) + timedelta(hours=7 * n, minutes=11 * n) for n in range(1300)]
NAIVE = [datetime(2026, 3, 29, 0, 30) + timedelta(minutes=45 * n) for n in range(40)]
NOT_DATES = [None, "", "2026-01-01", 7]


def _rendered(engine: Engine, value, fmt: str) -> str:
    return rendered(engine, value, f'date:"{fmt}"')


def test_the_site_engine_uses_it(site_engine):
    assert filter_used(site_engine, "date") is fast_dates.date


@pytest.mark.parametrize("fmt", FORMATS)
def test_dates_moments_and_other_values_are_written_as_django_writes_them(site_engine, django_engine, fmt):
    values = [*DAYS, *NAIVE, *NOT_DATES]
    with timezone.override("Europe/London"):
        values += AWARE
        ours = [_rendered(site_engine, v, fmt) for v in values if _django_takes(v, fmt)]
        theirs = [_rendered(django_engine, v, fmt) for v in values if _django_takes(v, fmt)]
    assert ours == theirs
    assert len(ours) > 700


def test_a_date_given_a_time_format_is_refused_as_django_refuses_it(site_engine, django_engine):
    with pytest.raises(TypeError):
        _rendered(django_engine, date(2026, 5, 1), "j M Y, H:i")
    with pytest.raises(TypeError):
        _rendered(site_engine, date(2026, 5, 1), "j M Y, H:i")


def test_another_language_is_left_to_django(site_engine, django_engine):
    day = date(2026, 5, 4)
    with translation.override("cy"):
        assert _rendered(site_engine, day, "l j F Y") == _rendered(django_engine, day, "l j F Y")
        assert _rendered(site_engine, day, "l j F Y") == "Dydd Llun 4 Mai 2026"


def _django_takes(value, fmt: str) -> bool:
    # Django refuses a time format for a plain date (the test above); everything else it answers.
    return not (type(value) is date and "H" in fmt)
