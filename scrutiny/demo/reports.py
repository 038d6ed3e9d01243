"""Demo scrutiny reports: last year's annual report, published, with the scrutineer's narrative and the agencies'
annual reports (received, outstanding, overdue), and this year's first quarterly report as a draft. Called by
``scrutiny.demo.demo_scrutiny_seed``; adds nothing twice.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.files.uploadedfile import SimpleUploadedFile

from partnership.models import Agency, Membership, Partnership, Role, StatutoryPartner
from scrutiny.models import AgencyAnnualReport, ReportNarrative, ScrutinyReport
from scrutiny.services import reports as report_services

if TYPE_CHECKING:
    from scrutiny.demo import DemoScrutinyResult


def _member(partnership: Partnership, role: str) -> Membership:
    member = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=role)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    if member is None:
        raise LookupError(f"{partnership.slug} has no demo people yet: run manage.py seed_demo first.")
    return member


def _reporting_year(today: date) -> int:
    return today.year if today.month >= 4 else today.year - 1


_NARRATIVE = {
    ReportNarrative.Place.INTRODUCTION: (
        "This is the independent scrutineer's report on how well the partnership's arrangements kept children safe "
        "over the year. It draws on the partnership's own figures, the challenges raised with agencies and their "
        "answers, and the annual reports agencies gave the partnership.\n\n"
        "Children and families are never named in this report."
    ),
    ReportNarrative.Place.CONCLUSIONS: (
        "The partnership met its statutory timescales for rapid reviews in most cases, and the recommendations it "
        "agreed are being acted on. The scrutineer asks the partners to evidence the impact of their actions, not "
        "only their completion, in the coming year."
    ),
}
_QUARTER_INTRODUCTION = (
    "The quarter's figures show rapid reviews completed on time and action plans moving, with a small number of "
    "actions overdue at the health partner. The scrutineer will follow these up at the next partnership meeting."
)
# (kind, subject, which agency, received, summary)
_AGENCY_REPORTS = (
    (
        AgencyAnnualReport.Kind.PRIVATE_FOSTERING,
        "",
        StatutoryPartner.LOCAL_AUTHORITY,
        True,
        "Notifications of private fostering arrangements rose; every arrangement notified was visited within "
        "seven working days. Awareness raising in schools continues.",
    ),
    (
        AgencyAnnualReport.Kind.ALLEGATIONS,
        "",
        StatutoryPartner.LOCAL_AUTHORITY,
        True,
        "The designated officer received more referrals than last year, most from education; all were "
        "considered within one working day.",
    ),
    (AgencyAnnualReport.Kind.MARAC, "", StatutoryPartner.POLICE, False, ""),
    (AgencyAnnualReport.Kind.MAPPA, "", StatutoryPartner.POLICE, False, ""),
)


def _agency(partnership: Partnership, partner: str) -> Agency | None:
    return Agency.objects.in_partnership(partnership).filter(statutory_partner=partner).order_by("pk").first()


def seed_reports(*, partnership: Partnership, today: date, result: DemoScrutinyResult) -> None:
    """Last reporting year's annual report, published, with the scrutineer's narrative and the agencies' annual
    reports it summarises (two received, one outstanding, one overdue); and this year's first quarterly report, a
    draft. The agencies' outstanding reports are chased by the deadline engine like any other."""
    manager, scrutineer = _member(partnership, Role.BUSINESS_MANAGER), _member(partnership, Role.SCRUTINEER)
    year = _reporting_year(today) - 1
    reports = ScrutinyReport.objects.in_partnership(partnership)
    annual = reports.filter(kind=ScrutinyReport.Kind.ANNUAL, period_start=date(year, 4, 1)).first()
    if annual is None:
        annual = report_services.scrutiny_report_create(
            partnership=partnership, actor=manager.person, kind=ScrutinyReport.Kind.ANNUAL, reporting_year=year
        )
        for narrative in annual.narrative.all():
            report_services.report_narrative_update(
                partnership=partnership,
                actor=scrutineer.person,
                narrative=narrative,
                body=_NARRATIVE[narrative.place],
                expected_updated_at=None,
            )
        report_services.report_narrative_add(
            partnership=partnership,
            actor=scrutineer.person,
            report=annual,
            heading="The voice of the child",
            body="Agencies record what children say more consistently than a year ago; the partnership should now "
            "show how what children say changes the plans made for them.",
        )
        result.count("annual reports")
    for kind, subject, partner, received, summary in _AGENCY_REPORTS:
        agency = _agency(partnership, partner)
        if (
            agency is None
            or AgencyAnnualReport.objects.in_partnership(partnership)
            .filter(agency=agency, kind=kind, subject=subject, reporting_year=year)
            .exists()
        ):
            continue
        overdue = kind == AgencyAnnualReport.Kind.MAPPA
        row = report_services.agency_annual_report_request(
            partnership=partnership,
            actor=manager.person,
            agency_id=agency.pk,
            kind=kind,
            subject=subject,
            reporting_year=year,
            requested_on=today - timedelta(days=60),
            due_on=today - timedelta(days=10) if overdue else today + timedelta(days=30),
        )
        result.count("agency annual report requests")
        if received:
            upload = SimpleUploadedFile(
                f"{kind}-annual-report.txt",
                f"{row.title}, {agency.name}, {year}/{(year + 1) % 100:02d}.\n\n{summary}\n".encode(),
                content_type="text/plain",
            )
            report_services.agency_annual_report_receive(
                partnership=partnership,
                actor=manager.person,
                report=row,
                upload=upload,
                received_on=today - timedelta(days=20),
            )
            row.refresh_from_db()
            report_services.agency_annual_report_summarise(
                partnership=partnership, actor=manager.person, report=row, summary=summary, expected_updated_at=None
            )
    if annual.state == ScrutinyReport.State.DRAFT and result.created.get("annual reports"):
        report_services.scrutiny_report_publish(
            partnership=partnership, actor=manager.person, report=annual, expected_updated_at=None
        )
    this_year = _reporting_year(today)
    if not reports.filter(kind=ScrutinyReport.Kind.QUARTERLY, period_start=date(this_year, 4, 1)).exists():
        quarter = report_services.scrutiny_report_create(
            partnership=partnership,
            actor=manager.person,
            kind=ScrutinyReport.Kind.QUARTERLY,
            reporting_year=this_year,
            quarter=1,
        )
        report_services.report_narrative_update(
            partnership=partnership,
            actor=scrutineer.person,
            narrative=quarter.narrative.get(place=ReportNarrative.Place.INTRODUCTION),
            body=_QUARTER_INTRODUCTION,
            expected_updated_at=None,
        )
        result.count("quarterly reports")
