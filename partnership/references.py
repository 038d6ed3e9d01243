"""A partnership's own reference series: "ASH-SI-017" then "ASH-SI-018", or "SI-2026-004" then "SI-2026-005".

A pattern is text with a ``{number}`` (the running number, at least three digits)
and, optionally, a ``{year}`` (the series then starts again each year). Each
partnership sets its own (Settings); the services that number incidents and
learning reviews ask for the next one here. No database: callers pass the
references already taken.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

NUMBER, YEAR = "{number}", "{year}"
DEFAULT_INCIDENT_PATTERN = "SI-{year}-{number}"
DEFAULT_LEARNING_REVIEW_PATTERN = "LR-{year}-{number}"
PATTERN_MAX_LENGTH = 20
REFERENCE_MAX_LENGTH = 30
_ALLOWED = re.compile(r"^[A-Za-z0-9/_.-]*$")


def reference_pattern_errors(pattern: str) -> list[str]:
    """What is wrong with a pattern, as sentences (empty when it can be used)."""
    if not pattern:
        return ["Enter a pattern, for example ASH-SI-{number} or SI-{year}-{number}."]
    if len(pattern) > PATTERN_MAX_LENGTH:
        return [f"Use at most {PATTERN_MAX_LENGTH} characters."]
    if pattern.count(NUMBER) != 1:
        return ["Put {number} in the pattern exactly once: it is where the running number goes."]
    if pattern.count(YEAR) > 1:
        return ["Put {year} in the pattern at most once."]
    rest = pattern.replace(NUMBER, "").replace(YEAR, "")
    if not _ALLOWED.match(rest):
        return ["Use letters, digits, hyphens, full stops, underscores and slashes, with {number} and {year}."]
    return []


def _prefix(pattern: str, year: int) -> str:
    """The fixed text before the running number (with the year filled in), for a database ``startswith``."""
    return pattern.split(NUMBER, 1)[0].replace(YEAR, str(year))


def reference_prefix(pattern: str, *, year: int) -> str:
    return _prefix(pattern, year)


def reference_next(pattern: str, *, year: int, taken: Iterable[str]) -> str:
    """The reference after the highest one of the series in ``taken`` (001 when there is none).

    The number keeps the width of the highest taken (at least three digits):
    after WSX-SI-105 comes WSX-SI-106, after ASH-SI-017 comes ASH-SI-018.
    """
    before, after = (part.replace(YEAR, str(year)) for part in pattern.split(NUMBER, 1))
    matcher = re.compile(rf"^{re.escape(before)}(\d+){re.escape(after)}$", re.IGNORECASE)
    found = [m.group(1) for ref in taken if (m := matcher.match(ref))]
    highest = max(found, key=int, default="0")
    width = max(3, len(highest))
    return f"{before}{int(highest) + 1:0{width}d}{after}"
