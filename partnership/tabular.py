"""Tables of figures in and out of CSV and Excel: an upload read with every problem reported by its line, and
a table written as a workbook.

The generic half of the uploads that import figures (a learning hub's delivery plan, scrutiny's quarterly data
sets): the file's lines as text cells, the header's columns matched to known names, numbers read as people type
them, and the errors collected and cut short. What each row means is the caller's. Nothing here touches the
database.

Lines are numbered as the file's (the header is line 1), so a person can find and fix every error in one go.

``xlsx_table`` writes the other way: rows (a header first) as a one-sheet workbook, numbers as numbers, and no
text a spreadsheet would run as a formula (``spreadsheet_safe``).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

MAX_ERRORS = 50
_THOUSANDS = re.compile(r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# What a sheet's name may not hold, and its longest (Excel's limits).
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31


class ImportRefusedError(Exception):
    """The file cannot be imported: ``errors`` says why, line by line."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


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


def cell_text(value: object) -> str:
    """A cell as text: blank for nothing, ``3`` for Excel's ``3.0``, runs of spaces made one."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _csv_lines(data: bytes, max_rows: int) -> list[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefusedError(["The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again."]) from exc
    try:
        return [[cell_text(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))][: max_rows + 2]
    except csv.Error as exc:
        raise ImportRefusedError([f"The file could not be read as CSV: {exc}."]) from exc


def _xlsx_lines(data: bytes, max_rows: int) -> list[list[str]]:
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
            lines.append([cell_text(c) for c in row])
            if len(lines) > max_rows + 1:
                break
        return lines
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportRefusedError(["The file could not be read as an Excel workbook."]) from exc
    finally:
        workbook.close()


def table_lines(*, data: bytes, is_xlsx: bool, max_rows: int, empty_message: str) -> list[list[str]]:
    """The file's lines (the first sheet of a workbook), header first, trailing blank lines dropped.

    ``ImportRefusedError`` when the file cannot be read, has no lines (``empty_message``) or more than
    ``max_rows`` lines after the header. Blank lines in between are kept, so line numbers stay the file's.
    """
    lines = _xlsx_lines(data, max_rows) if is_xlsx else _csv_lines(data, max_rows)
    while lines and not any(lines[-1]):
        lines.pop()
    if not lines:
        raise ImportRefusedError([empty_message])
    if len(lines) - 1 > max_rows:
        raise ImportRefusedError([f"The file has more than {max_rows} rows: split it, and upload each part."])
    return lines


def header_columns(
    header_line: Sequence[str], *, known: Mapping[str, str], required: Mapping[str, str]
) -> dict[str, int]:
    """Which column holds what, from line 1; ``ImportRefusedError`` for unknown, repeated or missing columns.

    ``known`` maps each accepted title (lower case) to its key; ``required`` maps each required key to the title
    to name when it is missing.
    """
    columns: dict[str, int] = {}
    errors: list[str] = []
    offered = ", ".join(_first_titles(known))
    for index, title in enumerate(header_line):
        if not title.strip():
            continue
        key = known.get(title.strip().lower())
        if key is None:
            errors.append(f"line 1: column '{title[:40]}' is not one of {offered}")
        elif key in columns:
            errors.append(f"line 1: column '{title[:40]}' appears twice")
        else:
            columns[key] = index
    missing = [key for key in required if key not in columns]
    if missing:
        errors.append("line 1: the columns must include " + ", ".join(required[m] for m in missing))
    if errors:
        raise ImportRefusedError(errors)
    return columns


def _first_titles(known: Mapping[str, str]) -> list[str]:
    """Each key's first title, in order: what the error message offers."""
    seen: dict[str, str] = {}
    for title, key in known.items():
        seen.setdefault(key, title)
    return list(seen.values())


def refuse_if_errors(errors: list[str], *, max_errors: int = MAX_ERRORS) -> None:
    """``ImportRefusedError`` with the errors, cut at ``max_errors`` with "and N more"; nothing when none."""
    if errors:
        more = len(errors) - max_errors
        raise ImportRefusedError(errors[:max_errors] + ([f"and {more} more"] if more > 0 else []))


# --- Writing ------------------------------------------------------------------------------------------------------


def spreadsheet_safe(value) -> object:
    """A cell value a spreadsheet will not run: text starting with = + - @ (or a tab or CR) gets a leading quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def sheet_name(text: str) -> str:
    """``text`` as a worksheet's name: without the characters Excel refuses there, at most 31 characters."""
    name = " ".join(_NOT_IN_SHEET_NAMES.sub(" ", text).split())[:SHEET_NAME_MAX].strip().strip("'")
    return name or "Sheet1"


def xlsx_table(*, rows: Sequence[Sequence[object]], sheet_title: str, title: str = "") -> bytes:
    """``rows`` as a workbook of one sheet named ``sheet_title`` (``sheet_name``): the first row the header, in bold
    and frozen above the rest. Numbers (``int``, ``float``, ``Decimal``) are written as numbers, None as an empty
    cell, text as text (``spreadsheet_safe``). ``title`` is the workbook's own title (its properties)."""
    workbook = Workbook(write_only=True)
    if title:
        workbook.properties.title = title[:255]
    sheet = workbook.create_sheet(sheet_name(sheet_title))
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for index, row in enumerate(rows):
        values = [spreadsheet_safe(v) for v in row]
        if index == 0:
            header = []
            for value in values:
                cell = WriteOnlyCell(sheet, value=value)
                cell.font = bold
                header.append(cell)
            values = header
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
