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
        """Working days after ``start`` up to and including ``end``; negative if ``end`` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        _check_supported(start)
        _check_supported(end)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def working_days_from(self, start: date) -> WorkingDaysFrom:
        """``working_days_between(start, end)`` for ends asked one at a time (a list being built), each day of the
        calendar looked at once however many ask: see ``WorkingDaysFrom``."""
        return WorkingDaysFrom(self, start)

    def working_days_between_many(self, start: date, ends: Iterable[date]) -> list[int]:
        """``working_days_between(start, end)`` for each of ``ends``, in order, walking the calendar once.

        A list of deadlines asks this of many due dates at once: each day from ``start`` to the farthest date is
        looked at once (``WorkingDaysFrom``), and each answer is a look-up, instead of one walk per due date.
        """
        ends = list(ends)
        if not ends:
            return []
        _check_supported(min(ends))
        _check_supported(max(ends))
        days_from_start = self.working_days_from(start)
        return [days_from_start(end) for end in ends]

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


class WorkingDaysFrom:
    """``working_days_between(start, end)`` as a function of ``end``, answered from running counts.

    "My tasks" asks it of every task's due date, one at a time as each source builds its tasks: hundreds for a
    business manager of a large partnership, many long overdue. One walk per date cost 100,000 calendar look-ups
    per page (over a second on the home page at national volume); here each day between ``start`` and the
    farthest date asked is looked at once, forwards and backwards, and every answer is a list look-up.
    """

    def __init__(self, calendar: WorkingDayCalendar, start: date) -> None:
        _check_supported(start)
        self._calendar = calendar
        self._start = start
        # ahead[i]: working days after start up to and including start + i days.
        self._ahead = [0]
        # behind[i]: working days after start - i days up to and including start.
        self._behind = [0]

    def __call__(self, end: date) -> int:
        offset = (end - self._start).days
        if offset >= 0:
            if len(self._ahead) <= offset:
                first = self._start + timedelta(days=len(self._ahead))
                self._extend(self._ahead, first, 1, offset + 1 - len(self._ahead))
            return self._ahead[offset]
        if len(self._behind) <= -offset:
            first = self._start - timedelta(days=len(self._behind) - 1)
            self._extend(self._behind, first, -1, -offset + 1 - len(self._behind))
        return -self._behind[-offset]

    def _extend(self, counts: list[int], first: date, step: int, days: int) -> None:
        """Append ``days`` running counts from ``first`` on, ``step`` a day: ``is_working_day`` inlined, a year's
        bank holidays read once (a decade of overdue tasks is 3,650 days a page)."""
        calendar, closed, running = self._calendar, self._calendar.closure_days, counts[-1]
        year, holidays = None, None
        day, one = first, timedelta(days=step)
        for _ in range(days):
            if day.year != year:
                _check_supported(day)
                year, holidays = day.year, _bank_holidays(calendar.nation, day.year)
            if day.weekday() < 5 and day not in holidays and day not in closed:
                running += 1
            counts.append(running)
            day += one
