"""Working days for a partnership: Monday to Friday, less its nation's bank
holidays and its own closure days.

The counting rule, used everywhere (statutory clocks included):

- Day 0 is the start date itself, whether or not it is a working day.
- Day N is the N-th working day *after* the start date.
- ``working_days_between(start, end)`` counts the working days after
  ``start`` up to and including ``end``, so
  ``working_days_between(start, add_working_days(start, n)) == n``.

Bank holidays come from the ``holidays`` package (pinned: one-off days such as
the 2022 state funeral are hard-coded there). It knows the years
``FIRST_YEAR`` to ``LAST_YEAR`` only; outside them it would silently answer
"no bank holidays", so the calendar refuses such dates instead.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from types import MappingProxyType

import holidays

# Guard against a caller asking for a date centuries away (bad input, not a deadline).
MAX_WORKING_DAYS = 5000

FIRST_YEAR = holidays.country_holidays("GB").start_year
LAST_YEAR = holidays.country_holidays("GB").end_year

CLOSURE_DAY_REASON = "Partnership closure day"
WEEKEND_REASON = "Weekend"


@lru_cache(maxsize=256)
def _bank_holidays(nation: str, year: int) -> Mapping[date, str]:
    # The subdivision matters: GB without one misses Easter Monday (England,
    # Wales, NI) and the August bank holiday, and Scotland's differ again.
    # Read-only, because the cached mapping is shared by every caller. The package says
    # "(observed)"; the UK government's lists say "(substitute day)", which people here know.
    found = holidays.country_holidays("GB", subdiv=nation, years=year)
    return MappingProxyType(
        {day: name.replace("(observed)", "(substitute day)") for day, name in sorted(found.items())}
    )


def bank_holidays(*, nation: str, year: int) -> dict[date, str]:
    """The nation's bank holidays in a year, with their names (substitute days included)."""
    return dict(_bank_holidays(nation, year))


def _check_supported(day: date) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(f"Working days can only be counted between {FIRST_YEAR} and {LAST_YEAR}.")


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 1 January of year 1 (a Monday, ordinal 1) up to and including ``day``."""
    weeks, days = divmod(day.toordinal(), 7)
    return 5 * weeks + min(days, 5)


class WorkingDayCalendar:
    """A partnership's working days.

    ``closure_days`` is either a set of dates or a mapping of date to the
    partnership's reason for closing, which ``non_working_days`` then shows.
    """

    def __init__(self, *, nation: str, closure_days: Iterable[date] | Mapping[date, str] = ()) -> None:
        self.nation = nation
        if isinstance(closure_days, Mapping):
            self.closure_reasons: dict[date, str] = dict(sorted(closure_days.items()))
        else:
            self.closure_reasons = dict.fromkeys(sorted(set(closure_days)), "")
        self.closure_days = frozenset(self.closure_reasons)
        # The days Monday to Friday that are not working days (bank holidays, closure days), as sorted ordinals,
        # for the years ``_closed_years`` (first, last): counting is then arithmetic, not a walk (issue 13).
        self._closed_years: tuple[int, int] | None = None
        self._closed_weekdays: list[int] = []

    def _closed_weekdays_through(self, first_year: int, last_year: int) -> list[int]:
        """The closed weekdays' ordinals covering the years asked, widened to cover them the first time."""
        if self._closed_years is not None:
            held_first, held_last = self._closed_years
            if held_first <= first_year and last_year <= held_last:
                return self._closed_weekdays
            first_year, last_year = min(first_year, held_first), max(last_year, held_last)
        closed = {day for day in self.closure_days if first_year <= day.year <= last_year}
        for year in range(first_year, last_year + 1):
            closed.update(_bank_holidays(self.nation, year))
        self._closed_weekdays = sorted(day.toordinal() for day in closed if day.weekday() < 5)
        self._closed_years = (first_year, last_year)
        return self._closed_weekdays

    def is_bank_holiday(self, day: date) -> bool:
        _check_supported(day)
        return day in _bank_holidays(self.nation, day.year)

    def is_working_day(self, day: date) -> bool:
        _check_supported(day)
        return day.weekday() < 5 and not self.is_bank_holiday(day) and day not in self.closure_days

    def add_working_days(self, start: date, days: int) -> date:
        """The date of working day ``days`` counted from ``start`` (day 0).

        Raises ``ValueError`` for a negative count, more than ``MAX_WORKING_DAYS``,
        or dates the bank-holiday data does not cover.
        """
        if days < 0:
            raise ValueError("Count forwards only: the number of working days cannot be negative.")
        if days > MAX_WORKING_DAYS:
            raise ValueError(f"At most {MAX_WORKING_DAYS} working days can be added.")
        _check_supported(start)
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def subtract_working_days(self, end: date, days: int) -> date:
        """The date ``days`` working days before ``end``: the mirror of ``add_working_days``.

        Day 0 is ``end`` itself; day 1 is the last working day before it, and so
        on. For a working day ``end``, ``add_working_days(subtract_working_days(end, n), n) == end``.
        A reminder "2 working days before" a Thursday due date falls on the Tuesday.
        Raises ``ValueError`` like ``add_working_days``.
        """
        if days < 0:
            raise ValueError("Count backwards only: the number of working days cannot be negative.")
        if days > MAX_WORKING_DAYS:
            raise ValueError(f"At most {MAX_WORKING_DAYS} working days can be subtracted.")
        _check_supported(end)
        current = end
        remaining = days
        while remaining:
            current -= timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if ``end`` is earlier.

        Counted, not walked: the weekdays in between, less the bank holidays and closure days among them
        (two binary searches), so a decade of overdue deadlines costs what a day does.
        """
        if end < start:
            return -self.working_days_between(end, start)
        _check_supported(start)
        _check_supported(end)
        closed = self._closed_weekdays_through(start.year, end.year)
        after, through = start.toordinal(), end.toordinal()
        weekdays = _weekdays_through(end) - _weekdays_through(start)
        return weekdays - (bisect_right(closed, through) - bisect_right(closed, after))

    def working_days_between_many(self, start: date, ends: Iterable[date]) -> list[int]:
        """``working_days_between(start, end)`` for each of ``ends``, in order."""
        return [self.working_days_between(start, end) for end in ends]

    def non_working_days(self, start: date, end: date) -> list[tuple[date, str]]:
        """Each day in [start, end] that is not a working day, with why.

        A closure day shows the partnership's reason when it gave one; a bank
        holiday shows its name (several names joined when two fall together).
        """
        _check_supported(start)
        _check_supported(end)
        reasons = []
        current = start
        while current <= end:
            if current in self.closure_days:
                why = self.closure_reasons.get(current)
                reasons.append((current, f"{CLOSURE_DAY_REASON}: {why}" if why else CLOSURE_DAY_REASON))
            elif self.is_bank_holiday(current):
                reasons.append((current, _bank_holidays(self.nation, current.year)[current]))
            elif current.weekday() >= 5:
                reasons.append((current, WEEKEND_REASON))
            current += timedelta(days=1)
        return reasons
