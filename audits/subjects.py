"""The audits' subjects, declared to the kernel: a return carries its practitioner's task (a deadline).

Loaded by ``AuditsConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from audits.models import AuditReturn, AuditRound
from audits.selectors.rounds import ROUND_READ_ROLES, agency_leads_by_agency, return_access
from partnership.models import Membership, Person
from partnership.subjects import SubjectType, subject_type


@subject_type(AuditReturn)
class AuditReturnSubject(SubjectType[AuditReturn]):
    def url(self, subject: AuditReturn) -> str:
        return reverse("audits:return_detail", kwargs={"slug": subject.partnership.slug, "audit_return_id": subject.pk})

    def visible_to(self, subject: AuditReturn, membership: Membership) -> bool:
        granted = membership.person.has_perm("audits.change_auditreturn", subject)
        return return_access(membership=membership, audit_return=subject, granted=granted).can_view

    def breach_recipients(self, subjects: list[AuditReturn]) -> dict[int, list[tuple[Person, str]]]:
        """An overdue return is escalated to its agency's agency leads too (the business managers hear anyway)."""
        leads = agency_leads_by_agency(
            partnership_ids={r.partnership_id for r in subjects}, agency_ids={r.agency_id for r in subjects}
        )
        return {r.pk: leads.get((r.partnership_id, r.agency_id), []) for r in subjects}


@subject_type(AuditRound)
class AuditRoundSubject(SubjectType[AuditRound]):
    def url(self, subject: AuditRound) -> str:
        return reverse("audits:round_detail", kwargs={"slug": subject.partnership.slug, "audit_round_id": subject.pk})

    def visible_to(self, subject: AuditRound, membership: Membership) -> bool:
        return membership.has_role(*ROUND_READ_ROLES)
