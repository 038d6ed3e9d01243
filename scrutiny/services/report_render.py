"""The quarterly scrutiny report and the annual report, as PDF and as DOCX, both made by the worker and kept
together as one version of the report, for as long as the version is kept.

Both are built from the same sections, ``scrutiny.report_sections.report_sections_for(scope)``: whatever parts of
scrutiny have registered (the narrative, the dashboard's figures, recommendations, themes, data sets, challenges,
the plan, disagreements, the agencies' annual reports), each drawn generically as a heading, paragraphs, charts and
tables.

- ``scrutiny_report_render_request`` (the web request) reads the sections once, as the data is now. From that one
  read it renders the PDF's HTML, which the kernel's documents engine keeps as a version (the same HTML as an
  existing version is that version), and keeps beside a new version the DOCX's snapshot (``ReportVersionDocx``).
  The PDF's charts go in as inline SVG from the same chart code as the pages; a contents page lists the sections
  with their page numbers (``target-counter``), and every page carries its number (``static/css/print.css``).
- The worker renders the PDF (WeasyPrint) and, before it marks the version ready, writes the DOCX from the snapshot
  (``report_version_docx_render``, called through the report subject's ``render_beside_pdf``). Word does not show
  SVG, so each chart is given as its description (the section's tables of figures follow).
- ``report_version_docx_download`` records a download of the DOCX before it is sent, as the kernel does the PDF's.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.http import StreamingHttpResponse
from django.utils.safestring import mark_safe
from django.utils.text import slugify
from docx import Document as WordDocument
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from partnership.models import DocumentVersion, Membership, Partnership, Person
from partnership.selectors.files import encrypted_column_pieces
from partnership.services.documents import document_render_request, encrypted_file_response
from scrutiny.models import ReportDocxDownload, ReportVersionDocx, ScrutinyReport
from scrutiny.report_sections import ReportChart, ReportSection, ReportTable, report_sections_for
from scrutiny.selectors.reports import (
    PDF_DOCUMENT_KIND,
    REPORT_READ_ROLES,
    report_scope,
    report_version_docx_get,
    report_version_docx_ready,
)

DOCUMENT_TEMPLATE = "scrutiny/reports/report_print.html"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# An SVG's XML declaration or doctype has no place inside HTML.
_SVG_PROLOGUE = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)


def report_period_label(report: ScrutinyReport) -> str:
    start, end = report.period_start, report.period_end
    return f"{start.day} {start:%B %Y} to {end.day} {end:%B %Y}"


def _subtitle(report: ScrutinyReport) -> str:
    """The line under the title, the PDF's and the DOCX's alike (nothing of the moment: the same data, the same
    version)."""
    return f"{report.get_kind_display()}, {report_period_label(report)}." + (
        " Draft." if report.state == ScrutinyReport.State.DRAFT else ""
    )


def scrutiny_report_pdf_context(report: ScrutinyReport, sections: list[ReportSection] | None = None) -> dict:
    """The print template's context: the report, its period, and each section with its charts' SVG ready to inline
    (``sections``: as already read, else read now)."""
    if sections is None:
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


def _snapshot(report: ScrutinyReport, sections: list[ReportSection]) -> str:
    """What the DOCX prints, as JSON: everything it shows, as read with the PDF's HTML (no chart SVG: Word gets
    each chart's description)."""
    return json.dumps(
        {
            "partnership": report.partnership.name,
            "title": report.title,
            "subtitle": _subtitle(report),
            "sections": [
                {
                    "key": section.key,
                    "title": section.title,
                    "paragraphs": list(section.paragraphs),
                    "charts": [{"title": c.title, "description": c.description} for c in section.charts],
                    "tables": [
                        {"caption": t.caption, "headers": list(t.headers), "rows": [list(r) for r in t.rows]}
                        for t in section.tables
                    ],
                }
                for section in sections
            ],
        }
    )


def _sections_of(snapshot: dict[str, Any]) -> list[ReportSection]:
    return [
        ReportSection(
            key=s["key"],
            title=s["title"],
            paragraphs=tuple(s["paragraphs"]),
            charts=tuple(ReportChart(title=c["title"], description=c["description"], svg="") for c in s["charts"]),
            tables=tuple(
                ReportTable(caption=t["caption"], headers=tuple(t["headers"]), rows=tuple(map(tuple, t["rows"])))
                for t in s["tables"]
            ),
        )
        for s in snapshot["sections"]
    ]


@transaction.atomic
def scrutiny_report_render_request(
    *, partnership: Partnership, actor: Person, report: ScrutinyReport
) -> DocumentVersion:
    """Ask the worker for the report as the data is now, as a PDF and a Word copy kept together as one version.

    Guarantees: the sections are read once, in this request, and both files are made from that read. Nothing
    changed since the last version: that version is returned (and queued again if it failed or stalled), nothing
    new stored. Otherwise a new version is queued with the DOCX's snapshot beside it, and the worker makes both;
    the version is ready once both are. A version made before Word copies were kept and still waiting gets its
    snapshot now (the same HTML is the same data). Opened by those who read the reports.
    """
    sections = report_sections_for(report_scope(report))
    version = document_render_request(
        partnership=partnership,
        actor=actor,
        subject=report,
        kind=PDF_DOCUMENT_KIND,
        title=report.title,
        template_name=DOCUMENT_TEMPLATE,
        context=scrutiny_report_pdf_context(report, sections),
        audience=sorted(REPORT_READ_ROLES),
    )
    kept = ReportVersionDocx.objects.in_partnership(partnership).filter(version=version)
    if version.state != DocumentVersion.State.READY and not kept.exists():
        try:
            with transaction.atomic():
                ReportVersionDocx.objects.create(
                    partnership=partnership, report=report, version=version, snapshot=_snapshot(report, sections)
                )
        except IntegrityError:
            pass  # a concurrent identical request kept it a moment ago: the same snapshot
    return version


def report_version_docx_render(*, partnership: Partnership, version_id: int) -> None:
    """The worker's side: write the version's DOCX from its snapshot and keep it (encrypted, with its SHA-256 and
    size). Safe to run twice (the same snapshot writes the same document again); a version without a snapshot
    (made before Word copies were kept) is left as it is."""
    row = ReportVersionDocx.objects.in_partnership(partnership).filter(version_id=version_id).defer("docx").first()
    if row is None:
        return
    out = io.BytesIO()
    _docx_write(json.loads(row.snapshot), out=out)
    docx = out.getvalue()
    ReportVersionDocx.objects.in_partnership(partnership).filter(pk=row.pk).update(
        docx=docx, docx_sha256=hashlib.sha256(docx).hexdigest(), docx_bytes=len(docx)
    )


def report_version_docx_download(
    *, partnership: Partnership, membership: Membership, report: ScrutinyReport, version_id: object
) -> ReportVersionDocx | None:
    """The version's Word copy, its download recorded, or None when the version is not ready yet (the caller
    shows its progress). ``Http404`` for another partnership's version, another report's, one the member may not
    open, or one made before Word copies were kept: nothing is recorded then."""
    row = report_version_docx_get(partnership=partnership, membership=membership, report=report, version_id=version_id)
    if not report_version_docx_ready(row):
        return None
    ReportDocxDownload.objects.create(partnership=partnership, docx=row, person_id=membership.person_id)
    return row


def report_version_docx_response(*, partnership: Partnership, row: ReportVersionDocx) -> StreamingHttpResponse:
    """The Word copy as a streamed attachment, decrypted a piece at a time and checked against its digest."""
    number = row.version.number
    return encrypted_file_response(
        pieces=encrypted_column_pieces(
            row=ReportVersionDocx.objects.in_partnership(partnership).filter(pk=row.pk), column="docx"
        ),
        content_type=DOCX_MEDIA_TYPE,
        filename=f"{slugify(row.version.document.title)[:80] or 'scrutiny-report'}-v{number}.docx",
        sha256=row.docx_sha256,
        size=row.docx_bytes,
        what=f"Scrutiny report version {row.version_id}'s Word copy",
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


def _docx_write(snapshot: dict[str, Any], *, out: IO[bytes]) -> None:
    """Write the report as a Word document into ``out``, section for section as the PDF, from its snapshot."""
    doc = WordDocument()
    doc.styles["Normal"].font.name = "Arial"
    doc.styles["Normal"].font.size = Pt(11)
    marking = doc.add_paragraph("OFFICIAL-SENSITIVE")
    marking.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.add_paragraph(_safe(snapshot["partnership"]))
    doc.add_heading(_safe(snapshot["title"]), level=0)
    doc.add_paragraph(_safe(snapshot["subtitle"]))
    sections = _sections_of(snapshot)
    if sections:
        doc.add_heading("Contents", level=1)
        for section in sections:
            doc.add_paragraph(_safe(section.title), style="List Number")
    else:
        doc.add_paragraph("Nothing recorded for this period yet.")
    for section in sections:
        _section(doc, section)
    doc.save(out)
