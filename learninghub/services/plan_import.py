"""Reading indicator tables from a CSV or Excel upload, every problem reported by its line.

The first row names the columns (in any order, any case): ``indicator`` (or ``name``), ``unit`` (optional),
``period``, ``value`` and ``agency`` (optional: blank for the whole partnership). Each later row is one figure.
The reader checks every row and returns either the rows or every error found, each as ``line N: ...`` with N the
line of the file (the header is line 1), so a person can fix them all in one go. Nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

# The generic reading (lines, header, numbers, errors) is the kernel's, shared with scrutiny's data sets; these
# names stay importable from here for the plan's services.
from partnership.tabular import ImportRefusedError, header_columns, parse_value, refuse_if_errors, table_lines

__all__ = ["ImportRefusedError", "IndicatorRowIn", "indicator_rows_read", "parse_value"]

MAX_ROWS = 5000
MAX_ERRORS = 50
NAME_MAX, UNIT_MAX, PERIOD_MAX = 200, 40, 60
VALUE_LIMIT = Decimal(10) ** 14

COLUMNS = {
    "indicator": "name",
    "name": "name",
    "indicator name": "name",
    "unit": "unit",
    "period": "period_label",
    "period label": "period_label",
    "value": "value",
    "agency": "agency",
}
REQUIRED = {"name": "indicator", "period_label": "period", "value": "value"}


@dataclass(frozen=True)
class IndicatorRowIn:
    line: int
    name: str
    unit: str
    period_label: str
    value: Decimal
    agency_id: int | None


def _text_problems(name: str, unit: str, period: str) -> list[str]:
    problems = []
    if not name:
        problems.append("enter the indicator's name")
    elif len(name) > NAME_MAX:
        problems.append(f"the indicator's name is longer than {NAME_MAX} characters")
    if len(unit) > UNIT_MAX:
        problems.append(f"the unit is longer than {UNIT_MAX} characters")
    if not period:
        problems.append("enter the period (for example 2025-26 Q1)")
    elif len(period) > PERIOD_MAX:
        problems.append(f"the period is longer than {PERIOD_MAX} characters")
    return problems


def _value(raw: str, problems: list[str]) -> Decimal | None:
    if not raw:
        problems.append("enter a value")
        return None
    value = parse_value(raw)
    if value is None:
        problems.append(f"value '{raw[:40]}' is not a number")
    elif abs(value) >= VALUE_LIMIT:
        problems.append(f"value '{raw[:40]}' is too large")
        return None
    return value


def indicator_rows_read(*, data: bytes, is_xlsx: bool, agencies: dict[str, int]) -> list[IndicatorRowIn]:
    """Every row of the file, checked; ``ImportRefusedError`` with every error (up to ``MAX_ERRORS``) otherwise.

    ``agencies`` maps the partnership's agencies' names (lower case) to their ids: a name not among them is an
    error on its line, like any other. Blank lines are skipped. The same indicator, agency and period twice is
    an error on the second line.
    """
    lines = table_lines(
        data=data,
        is_xlsx=is_xlsx,
        max_rows=MAX_ROWS,
        empty_message="The file has no rows: put the column names on line 1 and one figure on each line after.",
    )
    columns = header_columns(lines[0], known=COLUMNS, required=REQUIRED)

    rows: list[IndicatorRowIn] = []
    errors: list[str] = []
    seen: dict[tuple, int] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not any(line):
            continue
        cells = {key: (line[index].strip() if index < len(line) else "") for key, index in columns.items()}
        name, unit, period = cells["name"], cells.get("unit", ""), cells["period_label"]
        agency_name = cells.get("agency", "")
        problems = _text_problems(name, unit, period)
        value = _value(cells["value"], problems)
        agency_id = agencies.get(agency_name.lower()) if agency_name else None
        if agency_name and agency_id is None:
            problems.append(f"agency '{agency_name[:80]}' is not one of the partnership's agencies")
        key = (name.lower(), period.lower(), agency_id)
        if not problems and key in seen:
            problems.append(f"{name} for {period} is already on line {seen[key]}")
        errors.extend(f"line {number}: {problem}" for problem in problems)
        if not problems:
            seen[key] = number
            rows.append(IndicatorRowIn(number, name, unit, period, value.quantize(Decimal("0.0001")), agency_id))
    refuse_if_errors(errors, max_errors=MAX_ERRORS)
    if not rows:
        raise ImportRefusedError(["The file has column names but no figures."])
    return rows
