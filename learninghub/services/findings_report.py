"""The cycle's findings report (seed 000, month 4), as PDF and as DOCX, both rendered by the worker.

Both are built from the same sections, ``learninghub.report_sections.report_sections_for(cycle)``: whatever
parts of the hub have registered (the priority, the delivery plan, audit results, feedback, findings by theme,
recommendations), each drawn generically as a heading, paragraphs and tables.

- PDF: ``hub_findings_pdf_request`` renders the HTML now (the report shows the cycle as it is when asked) and
  the kernel's documents engine has the worker turn it into a PDF, kept as a version.
- DOCX: an export of the kernel's export engine (kind ``hub.findings_report``, declared in
  ``learninghub.export_declarations``); the worker calls ``hub_findings_docx_write``.
"""

from __future__ import annotations

import re
from typing import IO

from django.utils import timezone
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from learninghub.models import HubCycle
from learninghub.report_sections import ReportSection, report_sections_for
from learninghub.selectors.findings import FINDINGS_READ_ROLES
from partnership.models import DocumentVersion, Partnership, Person
from partnership.services.documents import document_render_request

DOCUMENT_KIND = "hub_findings_report"
DOCUMENT_TEMPLATE = "learninghub/findings/report_print.html"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def report_title(cycle: HubCycle) -> str:
    return f"Findings report: {cycle.title}"[:200]


def hub_findings_pdf_request(*, partnership: Partnership, actor: Person, cycle: HubCycle) -> DocumentVersion:
    """Ask the worker for the findings report's PDF as the cycle is now (an existing version when nothing
    changed since). Opened by those who read the findings page."""
    return document_render_request(
        partnership=partnership,
        actor=actor,
        subject=cycle,
        kind=DOCUMENT_KIND,
        title=report_title(cycle),
        template_name=DOCUMENT_TEMPLATE,
        context={"cycle": cycle, "sections": report_sections_for(cycle), "partnership_name": partnership.name},
        audience=sorted(FINDINGS_READ_ROLES),
    )


def _safe(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _section(doc, section: ReportSection) -> None:
    doc.add_heading(_safe(section.title), level=1)
    for paragraph in section.paragraphs:
        doc.add_paragraph(_safe(paragraph))
    for table in section.tables:
        caption = doc.add_paragraph()
        caption.add_run(_safe(table.caption)).bold = True
        grid = doc.add_table(rows=1, cols=len(table.headers))
        grid.style = "Table Grid"
        for cell, text in zip(grid.rows[0].cells, table.headers, strict=True):
            cell.text = _safe(text)
            for run in cell.paragraphs[0].runs:
                run.bold = True
        for row in table.rows:
            for cell, value in zip(grid.add_row().cells, row, strict=False):
                cell.text = _safe(value)


def hub_findings_docx_write(*, cycle: HubCycle, out: IO[bytes]) -> None:
    """Write the findings report as a Word document into ``out``, section for section as the PDF."""
    doc = WordDocument()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    marking = doc.add_paragraph("OFFICIAL-SENSITIVE")
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_safe(cycle.partnership.name))
    doc.add_heading(_safe(report_title(cycle)), level=0)
    today = timezone.localdate()
    doc.add_paragraph(f"As at {today.day} {today:%B %Y}.")
    for section in report_sections_for(cycle):
        _section(doc, section)
    doc.save(out)
