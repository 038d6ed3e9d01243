"""The compliance matrix of a self-assessment cycle: each agency (or school) against each standard.

A cell holds the return's self score and moderated score for one standard (a section of the cycle's
template version, matched by its key) and the same agency's score for the same standard key in the previous
cycle of the same kind, so that the change from one year to the next reads as up, down or the same.

The ``basis`` of the filters says which score is compared (with the previous year's and with a threshold):
the agency's own (``self``) or the partnership's after challenge (``moderated``). Both are always shown.
"""

from __future__ import annotations

import csv
import functools
import io
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.db.models import Exists, OuterRef, Q, QuerySet

from audits.models import (
    QuestionKind,
    ReturnStandard,
    ScaleOption,
    SelfAssessmentCycle,
    SelfAssessmentReturn,
    TemplateQuestion,
    TemplateSection,
)
from audits.selectors.access import AGENCY_LEAD, CYCLE_READERS
from partnership.models import Membership, Partnership
from partnership.selectors.pagination import OneQueryPaginator
from partnership.selectors.recommendations import spreadsheet_safe

ROWS_PER_PAGE = 50
# A filtered matrix of up to this many rows is written in the request (the page's and the API's immediate
# downloads), so the file comes at once; a larger one is the worker's (the "sa.compliance_matrix" export).
MATRIX_IMMEDIATE_ROWS = 2000
SELF, MODERATED = "self", "moderated"
BASES = (SELF, MODERATED)
UP, DOWN, SAME, NEW = "up", "down", "same", "new"
ARROWS = {UP: "▲", DOWN: "▼", SAME: "="}
CHANGE_WORDS = {UP: "up", DOWN: "down", SAME: "same", NEW: "no score last cycle", "": ""}


@dataclass(frozen=True)
class MatrixFilters:
    """What narrows the rows: part of a name (or a URN), a state, and a score at or below ``at_most``
    (in ``standard``, or in any standard when it is empty), read on the ``basis`` (self or moderated)."""

    search: str = ""
    state: str = ""
    standard: str = ""
    at_most: int | None = None
    basis: str = SELF


class MatrixCell(NamedTuple):
    """One return's scores in one standard, with the words the page, the API and the summary show, worked out
    once here (``matrix_cell``): the page draws 550 of them, and a template resolving properties per cell
    was two thirds of its time."""

    standard_key: str
    self_score: int | None
    moderated_score: int | None
    previous_score: int | None  # on the basis, in the previous cycle of the same kind
    basis: str
    score: int | None  # the one on the basis
    change: str  # up, down or same against the previous cycle; new when only this cycle has a score; "" unscored
    text: str  # as words and figures, never colour alone: "2 (was 1 ▲)", "3 (new)", "Not scored"
    change_word: str  # the change in words: "up", "no score last cycle"
    spoken: str  # the change said to a screen reader after the text (up, down, same; the text says "new")
    other_text: str  # the score not on the basis, shown beside it: "moderated 1", "self 2", "not moderated"


def matrix_cell(
    *,
    standard_key: str,
    self_score: int | None,
    moderated_score: int | None,
    previous_score: int | None,
    basis: str,
) -> MatrixCell:
    return MatrixCell(
        standard_key,
        self_score,
        moderated_score,
        previous_score,
        basis,
        *_cell_words(self_score, moderated_score, previous_score, basis),
    )


@functools.cache
def _cell_words(
    self_score: int | None, moderated_score: int | None, previous_score: int | None, basis: str
) -> tuple[int | None, str, str, str, str, str]:
    # Cached: a page's 550 cells hold a few dozen combinations of scores (a scale of four or five grades).
    score = moderated_score if basis == MODERATED else self_score
    if score is None:
        change, text = "", "Not scored"
    elif previous_score is None:
        change, text = NEW, f"{score} (new)"
    else:
        change = UP if score > previous_score else DOWN if score < previous_score else SAME
        text = f"{score} (was {previous_score} {ARROWS[change]})"
    if basis == MODERATED:
        other_text = "no self score" if self_score is None else f"self {self_score}"
    else:
        other_text = "not moderated" if moderated_score is None else f"moderated {moderated_score}"
    change_word = CHANGE_WORDS[change]
    spoken = change_word if change in ARROWS else ""
    return score, change, text, change_word, spoken, other_text


@dataclass
class MatrixRow:
    assessment_return: SelfAssessmentReturn
    cells: list[MatrixCell] = field(default_factory=list)


@dataclass
class ComplianceMatrix:
    cycle: SelfAssessmentCycle
    previous_cycle: SelfAssessmentCycle | None
    standards: list[TemplateSection]
    legend: list[ScaleOption]
    filters: MatrixFilters
    rows: list[MatrixRow]
    page: Page | None = None


def matrix_agency_scope(*, membership: Membership) -> int | None:
    """Whose rows a member reads: ``None`` for every row (leadership and oversight, who read the cycle's page);
    an agency id for that agency's row only (its agency lead, who sees their own change from last cycle).
    Anyone else is refused (403)."""
    if membership.has_role(*CYCLE_READERS):
        return None
    if membership.has_role(AGENCY_LEAD) and membership.agency_id is not None:
        return membership.agency_id
    raise PermissionDenied("The compliance matrix is for the partnership's leadership and the agencies' leads.")


def matrix_shows_agency(*, membership: Membership, agency_id: int) -> bool:
    """Whether the member's matrix has this agency's row (for a link from its return)."""
    try:
        scope = matrix_agency_scope(membership=membership)
    except PermissionDenied:
        return False
    return scope is None or scope == agency_id


def matrix_standards(*, partnership: Partnership, cycle: SelfAssessmentCycle) -> list[TemplateSection]:
    """The cycle's standards (its template version's sections), in order: the matrix's columns."""
    return list(
        TemplateSection.objects.in_partnership(partnership).filter(version=cycle.version).order_by("position", "id")
    )


def matrix_legend(*, partnership: Partnership, cycle: SelfAssessmentCycle) -> list[ScaleOption]:
    """The grades of the scale the version's standards are scored on (its grade questions' scale), low to high."""
    scales = TemplateQuestion.objects.in_partnership(partnership).filter(
        version=cycle.version, kind=QuestionKind.GRADE, scale__isnull=False
    )
    return list(
        ScaleOption.objects.in_partnership(partnership)
        .filter(scale_id__in=scales.values("scale_id"))
        .order_by("value", "pk")
        .distinct()
    )


def matrix_returns(
    *, partnership: Partnership, cycle: SelfAssessmentCycle, filters: MatrixFilters, agency_id: int | None = None
) -> QuerySet[SelfAssessmentReturn]:
    """The cycle's returns the filters keep, by agency name, with agency and school joined; only ``agency_id``'s
    when given (``matrix_agency_scope``)."""
    returns = (
        SelfAssessmentReturn.objects.in_partnership(partnership)
        # The agencies' partnership said as well, though it is the return's: the rows are sorted by agency name,
        # so PostgreSQL joins every agency of the cycle, and row-level security's filter cannot pick them from
        # the partnership's index. Unsaid, it read every agency in the country (3,535 at national volume, 0.8 ms).
        .filter(cycle=cycle, agency__partnership=partnership)
        .select_related("agency", "school")
        .order_by("agency__name", "pk")
    )
    if agency_id is not None:
        returns = returns.filter(agency_id=agency_id)
    if filters.state:
        returns = returns.filter(state=filters.state)
    if search := filters.search.strip():
        returns = returns.filter(Q(agency__name__icontains=search) | Q(school__urn=search))
    if filters.at_most is not None:
        score_field = "moderated_score" if filters.basis == MODERATED else "self_score"
        low = ReturnStandard.objects.in_partnership(partnership).filter(
            assessment_return=OuterRef("pk"), **{f"{score_field}__lte": filters.at_most}
        )
        if filters.standard:
            low = low.filter(section_key=filters.standard)
        returns = returns.filter(Exists(low))
    return returns


def previous_cycle_of(*, partnership: Partnership, cycle: SelfAssessmentCycle) -> SelfAssessmentCycle | None:
    """The latest cycle of the same kind before this one's year."""
    return (
        SelfAssessmentCycle.objects.in_partnership(partnership)
        .filter(kind=cycle.kind, year__lt=cycle.year)
        .order_by("-year")
        .first()
    )


def matrix_rows(
    *,
    partnership: Partnership,
    returns: list[SelfAssessmentReturn],
    standards: list[TemplateSection],
    previous_cycle: SelfAssessmentCycle | None,
    basis: str,
) -> list[MatrixRow]:
    """The cells of these returns (one page of ``matrix_returns``): one query for their scores and one for the
    previous cycle's scores of the same agencies and standard keys."""
    ids = [r.pk for r in returns]
    scores: dict[tuple[int, str], tuple[int | None, int | None]] = {}
    # Read into dicts, so unordered: ReturnStandard's default ordering (by return, whose own is the agency's
    # name) would join the returns and agencies only to sort rows the dict forgets the order of.
    for return_id, key, self_score, moderated_score in (
        ReturnStandard.objects.in_partnership(partnership)
        .filter(assessment_return_id__in=ids)
        .order_by()
        .values_list("assessment_return_id", "section_key", "self_score", "moderated_score")
    ):
        scores[(return_id, key)] = (self_score, moderated_score)
    previous: dict[tuple[int, str], int | None] = {}
    if previous_cycle is not None and ids:
        score_field = "moderated_score" if basis == MODERATED else "self_score"
        for agency_id, key, score in (
            ReturnStandard.objects.in_partnership(partnership)
            .filter(
                assessment_return__cycle=previous_cycle,
                assessment_return__agency_id__in=[r.agency_id for r in returns],
            )
            .order_by()
            .values_list("assessment_return__agency_id", "section_key", score_field)
        ):
            previous[(agency_id, key)] = score
    rows = []
    for ret in returns:
        cells = []
        for standard in standards:
            self_score, moderated_score = scores.get((ret.pk, standard.key), (None, None))
            cells.append(
                matrix_cell(
                    standard_key=standard.key,
                    self_score=self_score,
                    moderated_score=moderated_score,
                    previous_score=previous.get((ret.agency_id, standard.key)),
                    basis=basis,
                )
            )
        rows.append(MatrixRow(assessment_return=ret, cells=cells))
    return rows


def compliance_matrix(
    *,
    partnership: Partnership,
    cycle: SelfAssessmentCycle,
    filters: MatrixFilters,
    page_number: int | str | None = 1,
    per_page: int = ROWS_PER_PAGE,
    agency_id: int | None = None,
    standards: list[TemplateSection] | None = None,
    legend: list[ScaleOption] | None = None,
) -> ComplianceMatrix:
    """One page of the matrix, in six queries however many rows and standards: the standards, the legend,
    the previous cycle, the page of returns with their count, their scores and the previous cycle's scores."""
    if standards is None:  # a page that drew its filter form from them passes them in
        standards = matrix_standards(partnership=partnership, cycle=cycle)
    if legend is None:
        legend = matrix_legend(partnership=partnership, cycle=cycle)
    previous = previous_cycle_of(partnership=partnership, cycle=cycle)
    returns = matrix_returns(partnership=partnership, cycle=cycle, filters=filters, agency_id=agency_id)
    # The page's rows carry their count: the filters (a "score at most" is a semi-join over every standard of the
    # cycle's returns) are evaluated once, not once for the count and again for the page (issue 13).
    page = OneQueryPaginator(returns, per_page).get_page(page_number)
    return ComplianceMatrix(
        cycle=cycle,
        previous_cycle=previous,
        standards=standards,
        legend=legend,
        filters=filters,
        rows=matrix_rows(
            partnership=partnership,
            returns=list(page.object_list),
            standards=standards,
            previous_cycle=previous,
            basis=filters.basis,
        ),
        page=page,
    )


# --- The whole (filtered) matrix as a spreadsheet ----------------------------------------------


def compliance_matrix_export_rows(
    *, partnership: Partnership, cycle: SelfAssessmentCycle, filters: MatrixFilters, agency_id: int | None = None
) -> list[list[object]]:
    """Every row the filters keep (headers first), in a fixed number of queries: per standard its self score,
    moderated score, the previous cycle's score (on the basis) and the change."""
    standards = matrix_standards(partnership=partnership, cycle=cycle)
    previous = previous_cycle_of(partnership=partnership, cycle=cycle)
    returns = list(matrix_returns(partnership=partnership, cycle=cycle, filters=filters, agency_id=agency_id))
    rows = matrix_rows(
        partnership=partnership, returns=returns, standards=standards, previous_cycle=previous, basis=filters.basis
    )
    last = f"{previous.year} {filters.basis}" if previous is not None else f"previous cycle {filters.basis}"
    header: list[object] = ["Agency or school", "URN", "State"]
    for standard in standards:
        header += [
            f"{standard.title}: self score",
            f"{standard.title}: moderated score",
            f"{standard.title}: {last} score",
            f"{standard.title}: change",
        ]
    out: list[list[object]] = [header]
    for row in rows:
        ret = row.assessment_return
        line: list[object] = [ret.agency.name, ret.school.urn if ret.school else "", ret.get_state_display()]
        for cell in row.cells:
            line += [
                _blank(cell.self_score),
                _blank(cell.moderated_score),
                _blank(cell.previous_score),
                CHANGE_WORDS[cell.change],
            ]
        out.append(line)
    return out


def _blank(value: int | None) -> object:
    return "" if value is None else value


def matrix_csv(rows: list[list[object]]) -> bytes:
    """UTF-8 with a byte-order mark (Excel reads it so); text a spreadsheet would run is quoted."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in rows:
        writer.writerow([spreadsheet_safe(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def matrix_xlsx(rows: list[list[object]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Compliance matrix")
    for row in rows:
        # Text or numbers only, never a formula (openpyxl writes a string starting with "=" as one).
        sheet.append([spreadsheet_safe(v) for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
