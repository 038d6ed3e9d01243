"""The learning hub's subjects, declared to the kernel: a cycle's tasks carry its deadlines; a cycle is the page
they belong to.

Loaded by ``LearningHubConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from learninghub.models import HubCycle, HubSession, HubSessionAction, HubTask
from partnership.models import Membership
from partnership.subjects import SubjectType, subject_type


@subject_type(HubCycle)
class HubCycleSubject(SubjectType[HubCycle]):
    def url(self, subject: HubCycle) -> str:
        return reverse(
            "learninghub:cycle_detail", kwargs={"slug": subject.partnership.slug, "hub_cycle_id": subject.pk}
        )

    def visible_to(self, subject: HubCycle, membership: Membership) -> bool:
        return True  # every member reads the hub's cycles


@subject_type(HubTask)
class HubTaskSubject(SubjectType[HubTask]):
    def url(self, subject: HubTask) -> str:
        url = reverse(
            "learninghub:cycle_detail", kwargs={"slug": subject.partnership.slug, "hub_cycle_id": subject.cycle_id}
        )
        return f"{url}#task-{subject.pk}"

    def visible_to(self, subject: HubTask, membership: Membership) -> bool:
        return True


@subject_type(HubSession)
class HubSessionSubject(SubjectType[HubSession]):
    def url(self, subject: HubSession) -> str:
        return reverse(
            "learninghub:session_detail", kwargs={"slug": subject.partnership.slug, "hub_session_id": subject.pk}
        )

    def visible_to(self, subject: HubSession, membership: Membership) -> bool:
        return True  # every member reads the hub's sessions


@subject_type(HubSessionAction)
class HubSessionActionSubject(SubjectType[HubSessionAction]):
    def url(self, subject: HubSessionAction) -> str:
        url = reverse(
            "learninghub:session_detail",
            kwargs={"slug": subject.partnership.slug, "hub_session_id": subject.session_id},
        )
        return f"{url}#action-{subject.pk}"

    def visible_to(self, subject: HubSessionAction, membership: Membership) -> bool:
        return True
