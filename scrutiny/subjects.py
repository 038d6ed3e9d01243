"""Scrutiny's subjects, declared to the kernel: a challenge carries the deadline of its answer and its history; a
report carries its versions (documents), each a PDF with a Word copy made by the same render; an agency's annual
report carries the deadline that chases it.

Loaded by ``ScrutinyConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from audits.selectors.rounds import agency_leads_by_agency
from partnership.models import OVERSIGHT_ROLES, Agency, Document, DocumentVersion, Membership, Partnership, Person, Role
from partnership.subjects import SubjectLinks, SubjectType, subject_type
from scrutiny.models import AgencyAnnualReport, Challenge, ScrutinyReport
from scrutiny.selectors.challenges import challenge_responders_by_agency, challenge_visible_to
from scrutiny.selectors.reports import PDF_DOCUMENT_KIND, REPORT_READ_ROLES, report_version_has_docx
from scrutiny.services.report_render import report_version_docx_render

# Where the answer is written on a challenge's page (its deadline's link).
RESPONSE_FRAGMENT = "#response-heading"


def challenge_url(challenge: Challenge) -> str:
    return reverse(
        "scrutiny:challenge_detail", kwargs={"slug": challenge.partnership.slug, "challenge_id": challenge.pk}
    )


@subject_type(Challenge)
class ChallengeSubject(SubjectType[Challenge]):
    """The answer is written on the challenge's page; overdue, everyone who answers for the agency hears of it."""

    def url(self, subject: Challenge) -> str:
        return challenge_url(subject)

    def deadline_url_from_id(self, links: SubjectLinks, subject_id: int, kind: str) -> str | None:
        return f"{links.url('scrutiny:challenge_detail', challenge_id=subject_id)}{RESPONSE_FRAGMENT}"

    def visible_to(self, subject: Challenge, membership: Membership) -> bool:
        return challenge_visible_to(subject, membership)

    def breach_recipients(self, subjects: list[Challenge]) -> dict[int, list[tuple[Person, str]]]:
        """An overdue answer is escalated to every agency lead (and partner lead) who answers for the agency, the
        scrutineer's question waiting on them; one query for every challenge of the sweep."""
        agencies = {
            agency.pk: agency
            for agency in Agency.objects.filter(
                partnership_id__in={c.partnership_id for c in subjects}, pk__in={c.agency_id for c in subjects}
            )
        }
        by_agency = challenge_responders_by_agency(agencies=list(agencies.values()))
        return {
            c.pk: [
                (person, f"who answers for {agencies[c.agency_id].name}") for person in by_agency.get(c.agency_id, [])
            ]
            for c in subjects
        }


@subject_type(ScrutinyReport)
class ScrutinyReportSubject(SubjectType[ScrutinyReport]):
    """A report's versions keep a Word copy beside each PDF: made by the same render, offered beside it."""

    page = ("scrutiny:report_detail", "scrutiny_report_id")

    def visible_to(self, subject: ScrutinyReport, membership: Membership) -> bool:
        return membership.has_role(*REPORT_READ_ROLES)

    def render_beside_pdf(self, *, partnership: Partnership, document: Document, version_id: int) -> None:
        if document.kind == PDF_DOCUMENT_KIND:
            report_version_docx_render(partnership=partnership, version_id=version_id)

    def downloads_beside_pdf(self, subject: ScrutinyReport, version: DocumentVersion) -> list[tuple[str, str]]:
        if not report_version_has_docx(partnership=subject.partnership, version_id=version.pk):
            return []
        url = reverse(
            "scrutiny:report_version_docx",
            kwargs={
                "slug": subject.partnership.slug,
                "scrutiny_report_id": subject.pk,
                "report_version_id": version.pk,
            },
        )
        return [("Download the Word copy (DOCX)", url)]


@subject_type(AgencyAnnualReport)
class AgencyAnnualReportSubject(SubjectType[AgencyAnnualReport]):
    page = ("scrutiny:agency_report_detail", "agency_report_id")

    def visible_to(self, subject: AgencyAnnualReport, membership: Membership) -> bool:
        if membership.has_role(*OVERSIGHT_ROLES):
            return True
        return membership.has_role(Role.AGENCY_LEAD) and membership.agency_id == subject.agency_id

    def breach_recipients(self, subjects: list[AgencyAnnualReport]) -> dict[int, list[tuple[Person, str]]]:
        """An overdue report is escalated to its agency's agency leads too (the business managers hear anyway)."""
        leads = agency_leads_by_agency(
            partnership_ids={r.partnership_id for r in subjects}, agency_ids={r.agency_id for r in subjects}
        )
        return {r.pk: leads.get((r.partnership_id, r.agency_id), []) for r in subjects}
