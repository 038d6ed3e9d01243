"""The annual report of the scrutiny reports (issue 17, item 5) at 40 pages and more, rendered in the worker path.

Called by ``tests/benchmarks/run.py`` (key ``scrutiny-annual-report``). It writes, in the large partnership, an
annual report whose sections fill at least 40 pages: the scrutineer's introduction, conclusions and sixteen further
sections, and 120 agency annual reports received and summarised (with the section's chart and table); then asks for
the report as a page does (``scrutiny_report_render_request``: sections, HTML and the Word copy's snapshot in the web
request) and renders it as the worker does (``document_render_version``: the PDF, then the Word copy) in a fresh Python
process, whose own peak memory (``ru_maxrss``) is what a worker child would need. The bar: under 15 s and under 400 MB.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from datetime import date

PARAGRAPH = (
    "The partnership's agencies shared information promptly in most of the cases the scrutineer looked at, but the "
    "child's own account was not consistently recorded or acted upon, and escalation between agencies was slow when "
    "practitioners disagreed about thresholds. Leaders have agreed actions; their impact is not yet evidenced. "
)  # about 55 words
AGENCY_REPORTS = 120
FURTHER_SECTIONS = 16
BAR_SECONDS, BAR_MIB = 15.0, 400

_WORKER = """
import json, os, resource, sys, time
import django
django.setup()
from tests.benchmarks import allow_global_reads
allow_global_reads()
from partnership.services.documents import document_render_version
started, cpu = time.perf_counter(), time.process_time()
state = document_render_version(version_id=int(sys.argv[1]))
print(json.dumps({"state": state, "seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu,
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def _seed(world):
    from partnership.models import Agency, Partnership
    from scrutiny.models import AgencyAnnualReport, ReportNarrative, ScrutinyReport
    from scrutiny.services import reports as services
    from tests.scrutiny.report_helpers import upload

    partnership = Partnership.objects.get(slug=world.slug)
    actor = world.business_manager
    year = 2025
    # Written afresh on every run (--reuse keeps the rest of the data set).
    ScrutinyReport.objects.filter(partnership=partnership, kind="annual", period_start=date(year, 4, 1)).delete()
    AgencyAnnualReport.objects.filter(partnership=partnership, reporting_year=year).delete()
    report = services.scrutiny_report_create(partnership=partnership, actor=actor, kind="annual", reporting_year=year)
    long_text = "\n\n".join([PARAGRAPH * 3] * 4)
    for place in ("introduction", "conclusions"):
        ReportNarrative.objects.filter(report=report, place=place).update(body=long_text)
    for n in range(1, FURTHER_SECTIONS + 1):
        services.report_narrative_add(
            partnership=partnership, actor=actor, report=report, heading=f"Theme {n}", body=long_text
        )
    agencies = list(Agency.objects.filter(partnership=partnership).order_by("id")[:AGENCY_REPORTS])
    for n in range(AGENCY_REPORTS):
        agency = agencies[n % len(agencies)]
        row = services.agency_annual_report_request(
            partnership=partnership,
            actor=actor,
            agency_id=agency.pk,
            kind="other",
            subject=f"Safeguarding activity {n + 1}",
            reporting_year=year,
            requested_on=date(year + 1, 4, 1),
            due_on=date(year + 1, 6, 30),
        )
        if n % 4:  # three in four received and summarised; the rest outstanding
            services.agency_annual_report_receive(
                partnership=partnership, actor=actor, report=row, upload=upload(), received_on=date(year + 1, 6, 1)
            )
            row.refresh_from_db()
            services.agency_annual_report_summarise(
                partnership=partnership, actor=actor, report=row, summary=PARAGRAPH * 2, expected_updated_at=None
            )
    return report


def measure_scrutiny_annual_report(world) -> str:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from pypdf import PdfReader

    from partnership.models import DocumentVersion
    from scrutiny.models import ReportVersionDocx
    from scrutiny.services.report_render import report_version_docx_render, scrutiny_report_render_request

    report = _seed(world)
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        version = scrutiny_report_render_request(
            partnership=report.partnership, actor=world.business_manager, report=report
        )
    request_ms = (time.perf_counter() - started) * 1000
    # The Word copy alone, as the worker writes it from the snapshot (the render below writes it again).
    started = time.perf_counter()
    report_version_docx_render(partnership=report.partnership, version_id=version.pk)
    docx_ms = (time.perf_counter() - started) * 1000
    docx_kib = ReportVersionDocx.objects.in_partnership(report.partnership).get(version_id=version.pk).docx_bytes / 1024
    # The worker: a process of its own, as a worker child is, so its peak memory is the render's alone.
    worker = subprocess.run(  # noqa: S603 (our own interpreter and script, a version id)
        [sys.executable, "-c", _WORKER, str(version.pk)],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=True,
    )
    measured = json.loads(worker.stdout.strip().splitlines()[-1])
    version = DocumentVersion.objects.get(pk=version.pk)
    pdf = bytes(version.pdf)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    ok = measured["seconds"] < BAR_SECONDS and measured["peak_mib"] < BAR_MIB and pages >= 40
    return (
        f"\nScrutiny annual report of {world.slug} ({pages} pages, {len(pdf) / 1024:.0f} KiB PDF):\n"
        f"  web request (sections + HTML + snapshot + version): {request_ms:.0f} ms, "
        f"{len(queries.captured_queries)} queries\n"
        f"  DOCX build (worker, from the snapshot): {docx_ms:.0f} ms ({docx_kib:.0f} KiB)\n"
        f"  PDF render in a fresh worker process (document_render_version): {measured['seconds']:.2f} s "
        f"({measured['cpu']:.2f} s CPU), peak memory {measured['peak_mib']:.0f} MiB, state {measured['state']}\n"
        f"  bar: under {BAR_SECONDS:g} s and {BAR_MIB} MB for at least 40 pages: {'met' if ok else 'NOT MET'}"
    )
