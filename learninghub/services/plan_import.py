"""Reading indicator tables from a CSV or Excel upload, every problem reported by its line.

The first row names the columns (in any order, any case): ``indicator`` (or ``name``), ``unit`` (optional),
``period``, ``value`` and ``agency`` (optional: blank for the whole partnership). Each later row is one figure.
The reader checks every row and returns either the rows or every error found, each as ``line N: ...`` with N the
line of the file (the header is line 1), so a person can fix them all in one go. Nothing here writes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import load_workbook

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
REQUIRED = ("name", "period_label", "value")
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")


class ImportRefusedError(Exception):
    """The file cannot be imported: ``errors`` says why, line by line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class IndicatorRowIn:
    line: int
    name: str
    unit: str
    period_label: str
    value: Decimal
    agency_id: int | None


def parse_value(text: str) -> Decimal | None:
    """A number as people type it: ``12``, ``-3.5``, ``1,234.5``; None when it is not one."""
    text = text.strip()
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    try:
        value = Decimal(text)
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    return value


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _csv_lines(data: bytes) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefusedError(["The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."]) from exc
    try:
        return [[_cell(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))][: MAX_ROWS + 2]
    except csv.Error as exc:
        raise ImportRefusedError([f"The file could not be read as CSV: {exc}."]) from exc


def _xlsx_lines(data: bytes) -> list[list[str]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportRefusedError(["The file could not be read as an Excel workbook."]) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            return []
        lines = []
        for row in sheet.iter_rows(values_only=True, max_col=20):
            lines.append([_cell(c) for c in row])
            if len(lines) > MAX_ROWS + 1:
                break
        return lines
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportRefusedError(["The file could not be read as an Excel workbook."]) from exc
    finally:
        workbook.close()


def _columns(header_line: list[str]) -> dict[str, int]:
    """Which column holds what, from line 1; ``ImportRefusedError`` for unknown, repeated or missing columns."""
    columns: dict[str, int] = {}
    errors: list[str] = []
    for index, title in enumerate(header_line):
        if not title.strip():
            continue
        key = COLUMNS.get(title.strip().lower())
        if key is None:
            errors.append(f"line 1: column '{title[:40]}' is not one of indicator, unit, period, value, agency")
        elif key in columns:
            errors.append(f"line 1: column '{title[:40]}' appears twice")
        else:
            columns[key] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        names = {"name": "indicator", "period_label": "period", "value": "value"}
        errors.append("line 1: the columns must include " + ", ".join(names[m] for m in missing))
    if errors:
        raise ImportRefusedError(errors)
    return columns


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
    lines = _xlsx_lines(data) if is_xlsx else _csv_lines(data)
    while lines and not any(lines[-1]):
        lines.pop()
    if not lines:
        raise ImportRefusedError(
            ["The file has no rows: put the column names on line 1 and one figure on each line after."]
        )
    columns = _columns(lines[0])
    if len(lines) - 1 > MAX_ROWS:
        raise ImportRefusedError([f"The file has more than {MAX_ROWS} rows: split it, and upload each part."])

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
    if errors:
        more = len(errors) - MAX_ERRORS
        raise ImportRefusedError(errors[:MAX_ERRORS] + ([f"and {more} more"] if more > 0 else []))
    if not rows:
        raise ImportRefusedError(["The file has column names but no figures."])
    return rows
