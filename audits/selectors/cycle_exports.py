"""The self-assessment spreadsheets the worker writes (declared to the kernel in ``audits.exports``).

Two files: the compliance matrix as the page filters it (CSV or XLSX), and every
return of a cycle as one XLSX sheet with a row per return and standard. Both
write as they read, row by row, reporting progress; the whole cycle's returns
are read with a database iterator and written with openpyxl's write-only mode,
so a worker's memory stays flat however many schools answered.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from typing import IO

from django.db.models import Count

from audits.models import QuestionKind, ReturnStandard, SelfAssessmentCycle, SelfAssessmentReturn, TemplateQuestion
from audits.selectors import compliance_matrix as matrix_selectors
from partnership.models import Partnership
from partnership.selectors.recommendations import spreadsheet_safe

# The kinds of export these are declared as (``audits.export_declarations``), named by pages and the API.
MATRIX_KIND = "sa.compliance_matrix"
CYCLE_RETURNS_KIND = "sa.cycle_returns"

Progress = Callable[..., None]
# Rows read from the database at a time: the worker holds this many returns' standards, never the cycle.
READ_CHUNK = 500

CYCLE_RETURNS_HEADER = [
    "Agency or school",
    "URN",
    "State",
    "Standard key",
    "Standard",
    "Self score",
    "Moderated score",
    "Evidence narrative",
    "Gap actions",
    "Submitted on",
    "Head signed by",
    "Head signed on",
    "Governor signed by",
    "Governor signed on",
    "Moderated on",
]


def _day(value) -> object:
    return value.date() if value is not None else ""


def _blank(value) -> object:
    return "" if value is None else value


def cycle_returns_row_count(*, partnership: Partnership, cycle: SelfAssessmentCycle) -> int:
    """How many rows the whole cycle's workbook has (one per return and standard, the header aside)."""
    return ReturnStandard.objects.in_partnership(partnership).filter(assessment_return__cycle=cycle).count()


def cycle_return_rows(*, partnership: Partnership, cycle: SelfAssessmentCycle) -> Iterator[list[object]]:
    """Every return of the cycle and each of its standards, by agency name then the standard's place: plain
    values, text made safe for a spreadsheet. Two queries however many rows (the narrative questions, then the
    standards read ``READ_CHUNK`` at a time with their return, agency, school, section and count of actions).

    The evidence narrative is the answers to the standard's free-text questions, joined by blank lines."""
    narrative_keys: dict[int, list[str]] = {}
    for section_id, key in (
        TemplateQuestion.objects.in_partnership(partnership)
        .filter(version_id=cycle.version_id, kind=QuestionKind.TEXT)
        .order_by("section_id", "position", "pk")
        .values_list("section_id", "key")
    ):
        narrative_keys.setdefault(section_id, []).append(key)
    standards = (
        ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return__cycle=cycle)
        .select_related("assessment_return__agency", "assessment_return__school", "section")
        .annotate(action_count=Count("actions"))
        .order_by("assessment_return__agency__name", "assessment_return_id", "position", "pk")
    )
    states = dict(SelfAssessmentReturn.State.choices)
    for standard in standards.iterator(chunk_size=READ_CHUNK):
        ret = standard.assessment_return
        answers = standard.answers if isinstance(standard.answers, dict) else {}
        narrative = "\n\n".join(
            str(answers[key]).strip()
            for key in narrative_keys.get(standard.section_id, [])
            if str(answers.get(key) or "").strip()
        )
        yield [
            spreadsheet_safe(ret.agency.name),
            ret.school.urn if ret.school is not None else "",
            states.get(ret.state, ret.state),
            spreadsheet_safe(standard.section_key),
            spreadsheet_safe(standard.section.title),
            _blank(standard.self_score),
            _blank(standard.moderated_score),
            spreadsheet_safe(narrative),
            standard.action_count,
            _day(ret.submitted_at),
            spreadsheet_safe(ret.head_signed_name),
            _day(ret.head_signed_at),
            spreadsheet_safe(ret.governor_signed_name),
            _day(ret.governor_signed_at),
            _day(ret.moderated_at),
        ]


def cycle_returns_xlsx_write(
    *, partnership: Partnership, cycle: SelfAssessmentCycle, out: IO[bytes], progress: Progress
) -> int:
    """Write the whole cycle's workbook into ``out`` (write-only: rows go to disk as they come); returns the
    rows written, reported to ``progress`` as it goes."""
    from openpyxl import Workbook

    total = cycle_returns_row_count(partnership=partnership, cycle=cycle)
    progress(0, total)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Returns")
    sheet.append(CYCLE_RETURNS_HEADER)
    done = 0
    for row in cycle_return_rows(partnership=partnership, cycle=cycle):
        sheet.append(row)
        done += 1
        progress(done)
    workbook.save(out)
    return done


def compliance_matrix_write(
    *,
    partnership: Partnership,
    cycle: SelfAssessmentCycle,
    filters: matrix_selectors.MatrixFilters,
    agency_id: int | None,
    file_format: str,
    out: IO[bytes],
    progress: Progress,
) -> int:
    """Write the filtered matrix (as ``compliance_matrix_export_rows`` reads it) into ``out`` as CSV or XLSX;
    returns the rows written (the header aside), reported to ``progress`` as it goes."""
    rows = matrix_selectors.compliance_matrix_export_rows(
        partnership=partnership, cycle=cycle, filters=filters, agency_id=agency_id
    )
    total = len(rows) - 1
    progress(0, total)
    if file_format == "csv":
        text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
        text.write("\ufeff")  # Excel reads UTF-8 with a byte-order mark
        writer = csv.writer(text)
        for done, row in enumerate(rows):
            writer.writerow([spreadsheet_safe(v) for v in row])
            if done:
                progress(done)
        text.detach()  # leave ``out`` open for the caller
        return total
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Compliance matrix")
    for done, row in enumerate(rows):
        sheet.append([spreadsheet_safe(v) for v in row])
        if done:
            progress(done)
    workbook.save(out)
    return total
