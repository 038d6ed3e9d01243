"""Working days for a partnership: Monday to Friday, less its nation's bank
holidays and its own closure days.

The counting rule, used everywhere (statutory clocks included):

- Day 0 is the start date itself, whether or not it is a working day.
- Day N is the N-th working day *after* the start date.
- ``working_days_between(start, end)`` counts the working days after
  ``start`` up to and including ``end``, so
  ``working_days_between(start, add_working_days(start, n)) == n``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from functools import lru_cache

import holidays

# Guard against a caller asking for a date centuries away (bad input, not a deadline).
MAX_WORKING_DAYS = 5000


@lru_cache(maxsize=64)
def _bank_holidays(nation: str, year: int) -> frozenset[date]:
    # The subdivision matters: GB without one misses Easter Monday (England,
    # Wales, NI) and the August bank holiday, and Scotland's differ again.
    return frozenset(holidays.country_holidays("GB", subdiv=nation, years=year).keys())


def bank_holidays(*, nation: str, year: int) -> dict[date, str]:
    """The nation's bank holidays in a year, with their names (substitute days included)."""
    return dict(sorted(holidays.country_holidays("GB", subdiv=nation, years=year).items()))


class WorkingDayCalendar:
    def __init__(self, *, nation: str, closure_days: Iterable[date] = ()) -> None:
        self.nation = nation
        self.closure_days = frozenset(closure_days)

    def is_bank_holiday(self, day: date) -> bool:
        return day in _bank_holidays(self.nation, day.year)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and not self.is_bank_holiday(day) and day not in self.closure_days

    def add_working_days(self, start: date, days: int) -> date:
        """The date of working day ``days`` counted from ``start`` (day 0)."""
        if days < 0:
            raise ValueError("Count forwards only: the number of working days cannot be negative.")
        if days > MAX_WORKING_DAYS:
            raise ValueError(f"At most {MAX_WORKING_DAYS} working days can be added.")
        current = start
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_working_day(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end``; negative if ``end`` is earlier."""
        if end < start:
            return -self.working_days_between(end, start)
        count = 0
        current = start
        while current < end:
            current += timedelta(days=1)
            if self.is_working_day(current):
                count += 1
        return count

    def non_working_days(self, start: date, end: date) -> list[tuple[date, str]]:
        """Each day in [start, end] that is not a working day, with why."""
        reasons = []
        current = start
        while current <= end:
            if current in self.closure_days:
                reasons.append((current, "Partnership closure day"))
            elif self.is_bank_holiday(current):
                reasons.append((current, holidays.country_holidays("GB", subdiv=self.nation).get(current)))
            elif current.weekday() >= 5:
                reasons.append((current, "Weekend"))
            current += timedelta(days=1)
        return reasons
