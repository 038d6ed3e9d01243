"""Shared makers for the scrutiny reports' tests."""

from __future__ import annotations

from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile

from scrutiny.models import AgencyAnnualReport, ReportNarrative, ScrutinyReport
from scrutiny.services import reports as services

YEAR = 2025
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def annual_report(world, *, year: int = YEAR) -> ScrutinyReport:
    return services.scrutiny_report_create(
        partnership=world.partnership, actor=world.bm, kind=ScrutinyReport.Kind.ANNUAL, reporting_year=year
    )


def narrative(report: ScrutinyReport, place: str) -> ReportNarrative:
    return ReportNarrative.objects.get(report=report, place=place)


def write(world, report: ScrutinyReport, place: str, body: str) -> ReportNarrative:
    row = narrative(report, place)
    return services.report_narrative_update(
        partnership=world.partnership,
        actor=world.scrutineer.person,
        narrative=row,
        body=body,
        expected_updated_at=row.updated_at,
    )


def upload(name: str = "report.pdf", data: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def agency_report(
    world, *, kind=AgencyAnnualReport.Kind.PRIVATE_FOSTERING, year: int = YEAR, due_on=None, agency=None
) -> AgencyAnnualReport:
    return services.agency_annual_report_request(
        partnership=world.partnership,
        actor=world.bm,
        agency_id=(agency or world.school).pk,
        kind=kind,
        reporting_year=year,
        requested_on=date(year + 1, 4, 1),
        due_on=due_on or date(year + 1, 6, 30),
    )


def received(world, row: AgencyAnnualReport, *, summary: str = "") -> AgencyAnnualReport:
    services.agency_annual_report_receive(
        partnership=world.partnership, actor=world.bm, report=row, upload=upload(), received_on=date(YEAR + 1, 6, 1)
    )
    row.refresh_from_db()
    if summary:
        row = services.agency_annual_report_summarise(
            partnership=world.partnership,
            actor=world.bm,
            report=row,
            summary=summary,
            expected_updated_at=row.updated_at,
        )
    return row
