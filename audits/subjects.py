"""The audits app's subjects, declared to the kernel: a self-assessment return and a case audit return carry
their deadlines (tasks); rounds and cycles are the pages they belong to.

Loaded by ``AuditsConfig.ready``.
"""

from __future__ import annotations

from audits.models import AuditReturn, AuditRound, SelfAssessmentCycle, SelfAssessmentReturn
from audits.selectors.access import CYCLE_READERS
from audits.selectors.rounds import ROUND_READ_ROLES, agency_leads_by_agency, return_access
from audits.selectors.self_assessment import return_visible_to
from partnership.models import Membership, Person
from partnership.subjects import SubjectType, subject_type


@subject_type(SelfAssessmentReturn)
class SelfAssessmentReturnSubject(SubjectType[SelfAssessmentReturn]):
    page = ("audits:sa_return_detail", "return_id")

    def visible_to(self, subject: SelfAssessmentReturn, membership: Membership) -> bool:
        return return_visible_to(membership=membership, assessment_return=subject)


@subject_type(SelfAssessmentCycle)
class SelfAssessmentCycleSubject(SubjectType[SelfAssessmentCycle]):
    page = ("audits:cycle_detail", "cycle_id")

    def visible_to(self, subject: SelfAssessmentCycle, membership: Membership) -> bool:
        return membership.has_role(*CYCLE_READERS)


@subject_type(AuditReturn)
class AuditReturnSubject(SubjectType[AuditReturn]):
    page = ("audits:return_detail", "audit_return_id")

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
    page = ("audits:round_detail", "audit_round_id")

    def visible_to(self, subject: AuditRound, membership: Membership) -> bool:
        return membership.has_role(*ROUND_READ_ROLES)
