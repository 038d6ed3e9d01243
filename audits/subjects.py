"""The audits app's subjects, declared to the kernel: a self-assessment return carries its deadline.

Loaded by ``AuditsConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from audits.models import SelfAssessmentCycle, SelfAssessmentReturn
from audits.selectors.access import CYCLE_READERS
from audits.selectors.self_assessment import return_visible_to
from partnership.models import Membership
from partnership.subjects import SubjectType, subject_type


@subject_type(SelfAssessmentReturn)
class SelfAssessmentReturnSubject(SubjectType[SelfAssessmentReturn]):
    def url(self, subject: SelfAssessmentReturn) -> str:
        return reverse("audits:sa_return_detail", kwargs={"slug": subject.partnership.slug, "return_id": subject.pk})

    def visible_to(self, subject: SelfAssessmentReturn, membership: Membership) -> bool:
        return return_visible_to(membership=membership, assessment_return=subject)


@subject_type(SelfAssessmentCycle)
class SelfAssessmentCycleSubject(SubjectType[SelfAssessmentCycle]):
    def url(self, subject: SelfAssessmentCycle) -> str:
        return reverse("audits:cycle_detail", kwargs={"slug": subject.partnership.slug, "cycle_id": subject.pk})

    def visible_to(self, subject: SelfAssessmentCycle, membership: Membership) -> bool:
        return membership.has_role(*CYCLE_READERS)
