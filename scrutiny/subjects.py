"""Scrutiny's subjects, declared to the kernel: a report carries its PDF versions (documents); an agency's annual
report carries the deadline that chases it.

Loaded by ``ScrutinyConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from audits.selectors.rounds import agency_leads_by_agency
from partnership.models import OVERSIGHT_ROLES, Membership, Person, Role
from partnership.subjects import SubjectType, subject_type
from scrutiny.models import AgencyAnnualReport, ScrutinyReport
from scrutiny.selectors.reports import REPORT_READ_ROLES


@subject_type(ScrutinyReport)
class ScrutinyReportSubject(SubjectType[ScrutinyReport]):
    def url(self, subject: ScrutinyReport) -> str:
        return reverse(
            "scrutiny:report_detail", kwargs={"slug": subject.partnership.slug, "scrutiny_report_id": subject.pk}
        )

    def visible_to(self, subject: ScrutinyReport, membership: Membership) -> bool:
        return membership.has_role(*REPORT_READ_ROLES)


@subject_type(AgencyAnnualReport)
class AgencyAnnualReportSubject(SubjectType[AgencyAnnualReport]):
    def url(self, subject: AgencyAnnualReport) -> str:
        return reverse(
            "scrutiny:agency_report_detail", kwargs={"slug": subject.partnership.slug, "agency_report_id": subject.pk}
        )

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
