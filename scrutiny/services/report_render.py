"""The quarterly scrutiny report and the annual report, as PDF and as DOCX, both rendered by the worker.

Both are built from the same sections, ``scrutiny.report_sections.report_sections_for(scope)``: whatever parts of
scrutiny have registered (the narrative, the dashboard's figures, recommendations, themes, data sets, challenges,
the plan, disagreements, the agencies' annual reports), each drawn generically as a heading, paragraphs, charts and
tables.

- PDF: ``scrutiny_report_pdf_request`` renders the HTML now (the report shows the data as it is when asked) and the
  kernel's documents engine has the worker turn it into a PDF (WeasyPrint), kept as a version beside the older ones.
  Charts go in as inline SVG from the same chart code as the pages; a contents page lists the sections with their
  page numbers (``target-counter``), and every page carries its number (``static/css/print.css``).
- DOCX: an export of the kernel's export engine (kind ``scrutiny.report``, declared in
  ``scrutiny.export_declarations``); the worker calls ``scrutiny_report_docx_write``. Word does not show SVG, so
  each chart is given as its description and its table of figures (the section's own tables follow).
"""

from __future__ import annotations

import re
from typing import IO

from django.utils import timezone
from django.utils.safestring import mark_safe
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from partnership.models import DocumentVersion, Partnership, Person
from partnership.services.documents import document_render_request
from scrutiny.models import ScrutinyReport
from scrutiny.report_sections import ReportSection, report_sections_for
from scrutiny.selectors.reports import PDF_DOCUMENT_KIND, REPORT_READ_ROLES, report_scope

DOCUMENT_TEMPLATE = "scrutiny/reports/report_print.html"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# An SVG's XML declaration or doctype has no place inside HTML.
_SVG_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)


def report_period_label(report: ScrutinyReport) -> str:
    start, end = report.period_start, report.period_end
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def scrutiny_report_pdf_context(report: ScrutinyReport) -> dict:
    """The print template's context: the report, its period, and each section with its charts' SVG ready to inline."""
    sections = report_sections_for(report_scope(report))
    return {
        "report": report,
        "period": report_period_label(report),
        # The charts' SVG is our own (pygal, scripts removed in ``scrutiny.charts``), never a person's input.
        "sections": [
            (section, [(chart, mark_safe(_SVG_PROLOGUE.sub("", chart.svg))) for chart in section.charts])
            for section in sections
        ],
    }


def scrutiny_report_pdf_request(*, partnership: Partnership, actor: Person, report: ScrutinyReport) -> DocumentVersion:
    """Ask the worker for the report's PDF as the data is now: a new version when anything changed since the last
    (the same content is the existing version). Opened by those who read the reports."""
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=report,
        kind=PDF_DOCUMENT_KIND,
        title=report.title,
        template_name=DOCUMENT_TEMPLATE,
        context=scrutiny_report_pdf_context(report),
        audience=sorted(REPORT_READ_ROLES),
    )


def _safe(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _table(doc, *, caption: str, headers, rows) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(_safe(caption)).bold = True
    grid = doc.add_table(rows=1, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = _safe(text)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for row in rows:
        for cell, value in zip(grid.add_row().cells, row, strict=False):
            cell.text = _safe(value)


def _section(doc, section: ReportSection) -> None:
    doc.add_heading(_safe(section.title), level=1)
    for paragraph in section.paragraphs:
        doc.add_paragraph(_safe(paragraph))
    for chart in section.charts:
        doc.add_paragraph(_safe(f"Chart: {chart.title}. {chart.description}"))
    for table in section.tables:
        _table(doc, caption=table.caption, headers=table.headers, rows=table.rows)


def scrutiny_report_docx_write(*, report: ScrutinyReport, out: IO[bytes]) -> None:
    """Write the report as a Word document into ``out``, section for section as the PDF."""
    doc = WordDocument()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    marking = doc.add_paragraph("OFFICIAL-SENSITIVE")
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_safe(report.partnership.name))
    doc.add_heading(_safe(report.title), level=0)
    today = timezone.localdate()
    doc.add_paragraph(f"{report_period_label(report)}. As at {today.day} {today:%B %Y}.")
    sections = report_sections_for(report_scope(report))
    if sections:
        doc.add_heading("Contents", level=1)
        for section in sections:
            doc.add_paragraph(_safe(section.title), style="List Number")
    for section in sections:
        _section(doc, section)
    doc.save(out)
