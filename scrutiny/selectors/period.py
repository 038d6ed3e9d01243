"""The scrutiny dashboard's period: every year, one year, one quarter, or custom dates, as the first and last day
it covers. The page's form and the API's query share ``period_resolve``, so both refuse the same input with the
same words."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.formats import date_format

from reviews.selectors.timeliness import quarter_bounds

PERIOD_KINDS = (("all", "Every year"), ("year", "A year"), ("quarter", "A quarter"), ("custom", "Custom dates"))
# A custom period spans at most ten years (the dashboard's history) and starts no earlier than 1900.
MAX_CUSTOM_DAYS = 3653
EARLIEST = date(1900, 1, 1)


class PeriodError(ValueError):
    """Bad period input: ``errors`` maps each field to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class Period:
    kind: str
    start: date | None = None
    end: date | None = None
    year: int | None = None
    quarter: int | None = None

    @property
    def label(self) -> str:
        """How titles name the period after "notified" or "opened": "in 2025", "in 2025 Q1", "from … to …"."""
        if self.kind == "year":
            return f"in {self.year}"
        if self.kind == "quarter":
            return f"in {self.year} Q{self.quarter}"
        if self.kind == "custom":
            return f"from {date_format(self.start, 'j F Y')} to {date_format(self.end, 'j F Y')}"
        return "in any year"

    @property
    def slug(self) -> str:
        """The period in a file name: ``2025``, ``2025-q1``, ``2025-01-01-to-2025-03-31``, ``all``."""
        if self.kind == "year":
            return str(self.year)
        if self.kind == "quarter":
            return f"{self.year}-q{self.quarter}"
        if self.kind == "custom":
            return f"{self.start:%Y-%m-%d}-to-{self.end:%Y-%m-%d}"
        return "all"

    def query(self) -> str:
        """The period as a query string (without ``?``), for the chart, CSV and list links of the same figures."""
        if self.kind == "year":
            return f"period=year&year={self.year}"
        if self.kind == "quarter":
            return f"period=quarter&year={self.year}&quarter={self.quarter}"
        if self.kind == "custom":
            return f"period=custom&start={self.start:%Y-%m-%d}&end={self.end:%Y-%m-%d}"
        return "period=all"


EVERY_YEAR = Period(kind="all")


def period_resolve(
    *,
    kind: str,
    year: int | None = None,
    quarter: int | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Period:
    """The period the input names; ``PeriodError`` with a message per field when it names none."""
    if kind == "all":
        return EVERY_YEAR
    if kind in ("year", "quarter"):
        return _calendar_period(kind, year=year, quarter=quarter)
    if kind == "custom":
        return _custom_period(start=start, end=end)
    raise PeriodError({"period": "Choose every year, a year, a quarter or custom dates."})


def _calendar_period(kind: str, *, year: int | None, quarter: int | None) -> Period:
    errors: dict[str, str] = {}
    if year is None:
        errors["year"] = "Choose a year."
    if kind == "quarter" and quarter is None:
        errors["quarter"] = "Choose a quarter."
    if errors:
        raise PeriodError(errors)
    if kind == "year":
        return Period(kind="year", start=date(year, 1, 1), end=date(year, 12, 31), year=year)
    first, last = quarter_bounds(year, quarter)
    return Period(kind="quarter", start=first, end=last, year=year, quarter=quarter)


def _custom_period(*, start: date | None, end: date | None) -> Period:
    errors: dict[str, str] = {}
    if start is None:
        errors["start"] = "Enter the first day of the period."
    if end is None:
        errors["end"] = "Enter the last day of the period."
    if errors:
        raise PeriodError(errors)
    if start < EARLIEST:
        raise PeriodError({"start": "The period must start in 1900 or later."})
    if end < start:
        raise PeriodError({"end": "The last day must be the same as or after the first day."})
    if (end - start).days >= MAX_CUSTOM_DAYS:
        raise PeriodError({"end": "A custom period can be at most ten years long."})
    return Period(kind="custom", start=start, end=end)
