"""Quarters as the partnerships count them: financial years from 1 April, so 2025-26 Q1 is April to June 2025.

A quarter is its first day (a ``date``): quarters sort, compare and step as dates, and a calendar quarter and a
financial one are the same three months under different names.
"""

from __future__ import annotations

import re
from datetime import date

_LABEL = re.compile(r"^(\d{4})\s*[-/]\s*(\d{2}|\d{4})\s+Q([1-4])$", re.IGNORECASE)
_ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def quarter_of(day: date) -> date:
    """The first day of the quarter ``day`` falls in: 31 March is in January's quarter, 1 April starts one."""
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_step(quarter: date, steps: int) -> date:
    """The quarter ``steps`` quarters after (or, negative, before) ``quarter``."""
    index = quarter.year * 4 + (quarter.month - 1) // 3 + steps
    return date(index // 4, 3 * (index % 4) + 1, 1)


def quarters_between(first: date, last: date) -> list[date]:
    """Every quarter from ``first`` to ``last``, both included (empty when ``last`` is before ``first``)."""
    quarters, current = [], quarter_of(first)
    while current <= last:
        quarters.append(current)
        current = quarter_step(current, 1)
    return quarters


def quarter_end(quarter: date) -> date:
    """The quarter's last day."""
    following = quarter_step(quarter, 1)
    return date.fromordinal(following.toordinal() - 1)


def quarter_label(quarter: date) -> str:
    """``2025-26 Q1`` for 1 April 2025; ``2025-26 Q4`` for 1 January 2026."""
    start_year = quarter.year if quarter.month >= 4 else quarter.year - 1
    number = {4: 1, 7: 2, 10: 3, 1: 4}[quarter.month]
    return f"{start_year}-{(start_year + 1) % 100:02d} Q{number}"


def quarter_months(quarter: date) -> str:
    """``Apr to Jun 2025``: the months a quarter covers, for people who do not count financial years."""
    return f"{MONTHS[quarter.month - 1]} to {MONTHS[quarter.month + 1]} {quarter.year}"


def quarter_slug(quarter: date) -> str:
    """``2025-04``: the quarter in a URL."""
    return f"{quarter:%Y-%m}"


def quarter_parse(text: str) -> date | None:
    """A quarter as people write it: ``2025-26 Q1``, ``2025/26 q1``, or any day in it (``2025-05-17``,
    ``2025-04``); None when it is not one."""
    text = " ".join((text or "").split())
    match = _LABEL.match(text)
    if match:
        start, end, number = int(match.group(1)), match.group(2), int(match.group(3))
        end_year = int(end) if len(end) == 4 else (start + 1) % 100
        if (len(end) == 4 and end_year != start + 1) or (len(end) == 2 and int(end) != (start + 1) % 100):
            return None
        if not 1900 <= start <= 9998:
            return None
        month = {1: 4, 2: 7, 3: 10, 4: 1}[number]
        return date(start + 1 if number == 4 else start, month, 1)
    match = _ISO.match(text) or re.match(r"^(\d{4})-(\d{2})$", text)
    if match:
        try:
            day = date(int(match.group(1)), int(match.group(2)), int(match.group(3)) if match.lastindex == 3 else 1)
        except ValueError:
            return None
        return quarter_of(day) if day.year >= 1900 else None
    return None


def quarter_from_slug(slug: str) -> date | None:
    """The quarter a URL names (``2025-04``), or None when it names none (a month that starts no quarter)."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", slug or "")
    if not match:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    if year < 1900 or month not in (1, 4, 7, 10):
        return None
    return date(year, month, 1)
