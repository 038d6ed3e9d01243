"""The board's progress report: one set of figures, two papers (a PDF rendered by the worker, and a DOCX).

``progress_report_create`` reads the figures once (``board_report_figures``),
asks the documents engine for the PDF (rendered from the figures now, by the
worker) and builds the Word copy from the very same figures, kept with the
report. Boards edit papers in Word; the PDF is the record of what was sent.
"""

from __future__ import annotations

import re
from datetime import date
from io import BytesIO

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from partnership.models import DocumentVersion, Membership, Partnership
from partnership.models.recommendations import ProgressReport
from partnership.selectors.progress_reports import BoardReportFigures, board_report_figures
from partnership.selectors.recommendation_access import progress_reports_creatable_by
from partnership.services import tenant_create
from partnership.services.documents import document_render_request
from partnership.services.files import stored_file_add

DOCUMENT_PROGRESS_REPORT = "board.progress_report"
PROGRESS_REPORT_TEMPLATE = "partnership/action_plans/progress_report_document.html"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# Nothing in the product is older: an earlier "as at" is a typing slip.
EARLIEST_AS_OF = date(2000, 1, 1)
SECTION_HEADINGS = (
    "Recommendations by state and age",
    "Actions by RAG status and agency",
    "Overdue action plans",
    "Overdue actions",
    "Completed in the last year, and their impact",
)


# XML 1.0 (a DOCX's parts) refuses control characters other than tab, newline and carriage return.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def _xml_safe(value: object) -> str:
    """Text as a Word document can hold it: characters XML forbids are dropped (the PDF keeps the rest alike)."""
    return _NOT_XML.sub("", str(value))


def _date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


def progress_report_docx(*, partnership: Partnership, title: str, figures: BoardReportFigures) -> bytes:
    """The report as a Word document, section for section the same as the PDF's template."""
    doc = WordDocument()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    marking = doc.add_paragraph("OFFICIAL-SENSITIVE")
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_xml_safe(partnership.name))
    doc.add_heading(_xml_safe(title), level=0)
    doc.add_paragraph(f"As at {_date(figures.as_of)}.")
    doc.add_paragraph(
        f"{figures.recommendations_total} recommendations; {figures.actions_total} actions on live plans; "
        f"{len(figures.overdue_plans)} action plans and {len(figures.overdue_actions)} actions overdue."
    )

    doc.add_heading(SECTION_HEADINGS[0], level=1)
    _table(
        doc,
        ["State", *figures.age_bands, "Total"],
        [[row.label, *row.by_age, row.total] for row in figures.states]
        + [["Total", *figures.totals_by_age, figures.recommendations_total]],
    )

    doc.add_heading(SECTION_HEADINGS[1], level=1)
    if figures.agencies:
        _table(
            doc,
            ["Lead agency", *figures.rag_labels, "Total"],
            [[row.agency, *row.by_rag, row.total] for row in figures.agencies]
            + [["Total", *figures.totals_by_rag, figures.actions_total]],
        )
    else:
        doc.add_paragraph("No actions on live plans.")

    doc.add_heading(SECTION_HEADINGS[2], level=1)
    if figures.overdue_plans:
        _table(
            doc,
            ["Recommendation", "Lead partner", "Plan due", "Working days overdue"],
            [
                [f"{p.reference}: {p.text}", p.lead_partner, _date(p.due_on), p.working_days_overdue]
                for p in figures.overdue_plans
            ],
        )
    else:
        doc.add_paragraph("No action plan is overdue.")

    doc.add_heading(SECTION_HEADINGS[3], level=1)
    if figures.overdue_actions:
        _table(
            doc,
            ["Recommendation", "Action", "Lead agency", "Lead", "Due", "RAG", "Working days overdue"],
            [
                [
                    a.reference,
                    f"{a.position}. {a.what}",
                    a.agency,
                    a.lead,
                    _date(a.due_on),
                    a.rag,
                    a.working_days_overdue,
                ]
                for a in figures.overdue_actions
            ],
        )
    else:
        doc.add_paragraph("No action is overdue.")

    doc.add_heading(SECTION_HEADINGS[4], level=1)
    if figures.completed:
        for item in figures.completed:
            doc.add_heading(_xml_safe(f"{item.reference} ({item.state.lower()}, {_date(item.completed_on)})"), level=2)
            doc.add_paragraph(_xml_safe(item.text))
            impact = doc.add_paragraph()
            impact.add_run("Impact: ").bold = True
            impact.add_run(_xml_safe(item.impact_evidence))
    else:
        doc.add_paragraph("No recommendation has been completed yet.")

    out = BytesIO()
    doc.save(out)
    return out.getvalue()


def _table(doc, header: list[str], rows: list[list]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = _xml_safe(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row, strict=True):
            cell.text = _xml_safe(value)


@transaction.atomic
def progress_report_create(
    *, partnership: Partnership, membership: Membership, title: str, as_of: date | None
) -> tuple[ProgressReport, DocumentVersion]:
    """A business manager's board report as at ``as_of``: the PDF queued for the worker, the DOCX kept with it.

    Both are made from one read of the figures. ``ValidationError`` on
    ``title`` (required, at most 200 characters) and ``as_of`` (required, not
    in the future); nothing is written then.
    """
    if not progress_reports_creatable_by(membership):
        raise PermissionDenied("Only a business manager makes the board's progress report.")
    title = (title or "").strip()
    errors: dict[str, list[str]] = {}
    if not title:
        errors["title"] = ["Give the report a title, for example “Progress report to the board, March”."]
    elif len(title) > 200:
        errors["title"] = [f"Use at most 200 characters (you used {len(title):,})."]
    if as_of is None:
        errors["as_of"] = ["Enter the date the report is as at."]
    elif as_of > timezone.localdate():
        errors["as_of"] = ["A progress report is as at today or an earlier date."]
    elif as_of < EARLIEST_AS_OF:
        errors["as_of"] = [f"Enter a date from {EARLIEST_AS_OF:%Y} onwards."]
    if errors:
        raise ValidationError(errors)
    report = tenant_create(
        partnership=partnership,
        actor=membership.person,
        instance=ProgressReport(partnership=partnership, title=title, as_of=as_of, requested_by=membership.person),
    )
    figures = board_report_figures(partnership=partnership, as_of=as_of)
    version = document_render_request(
        partnership=partnership,
        actor=membership.person,
        subject=report,
        kind=DOCUMENT_PROGRESS_REPORT,
        title=title,
        template_name=PROGRESS_REPORT_TEMPLATE,
        context={"figures": figures, "sections": SECTION_HEADINGS},
        audience=[],
    )
    docx = progress_report_docx(partnership=partnership, title=title, figures=figures)
    name = f"{slugify(title)[:80] or 'progress-report'}.docx"
    stored_file_add(
        partnership=partnership,
        owner=report,
        upload=SimpleUploadedFile(name, docx, content_type=DOCX_MEDIA_TYPE),
        actor=membership.person,
    )
    return report, version
