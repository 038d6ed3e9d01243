"""The learning hub's subjects, declared to the kernel: a cycle's tasks carry its deadlines; a cycle is the page
they belong to.

Loaded by ``LearningHubConfig.ready``.
"""

from __future__ import annotations

from django.urls import reverse

from learninghub.models import HubCycle, HubMembershipRound, HubNomination, HubSession, HubSessionAction, HubTask
from learninghub.selectors.members import ALL_NOMINATIONS_READERS, hub_nomination_visible_to
from partnership.models import Document, Membership, Partnership, Person, SignOff
from partnership.subjects import SubjectType, subject_type


@subject_type(HubCycle)
class HubCycleSubject(SubjectType[HubCycle]):
    page = ("learninghub:cycle_detail", "hub_cycle_id")

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


# --- Membership: nominations, and the shortlists put to the partners for sign-off ----------------------------


def _members_url(subject) -> str:
    return reverse(
        "learninghub:cycle_members", kwargs={"slug": subject.partnership.slug, "hub_cycle_id": subject.cycle_id}
    )


@subject_type(HubNomination)
class HubNominationSubject(SubjectType[HubNomination]):
    """A nomination carries its member's letter and information pack (a document): read by the member, the
    business managers and the partner leads."""

    def url(self, subject: HubNomination) -> str:
        return f"{_members_url(subject)}#nomination-{subject.pk}"

    def visible_to(self, subject: HubNomination, membership: Membership) -> bool:
        return hub_nomination_visible_to(nomination=subject, membership=membership)

    def documents_readable_by(self, subject: HubNomination, document: Document, membership: Membership) -> bool:
        return subject.member_id == membership.pk or membership.has_role(*ALL_NOMINATIONS_READERS)


@subject_type(HubMembershipRound)
class HubMembershipRoundSubject(SubjectType[HubMembershipRound]):
    """A shortlist signed off by the three partners; its nominations move when the sign-off settles."""

    def url(self, subject: HubMembershipRound) -> str:
        return _members_url(subject)

    def visible_to(self, subject: HubMembershipRound, membership: Membership) -> bool:
        return membership.has_role(*ALL_NOMINATIONS_READERS)

    def sign_off_prepare(self, *, partnership: Partnership, subject: HubMembershipRound) -> None:
        from learninghub.services.members import hub_membership_sign_off_prepare

        hub_membership_sign_off_prepare(partnership=partnership, round=subject)

    def sign_off_settled(
        self, *, partnership: Partnership, subject: HubMembershipRound, sign_off: SignOff, actor: Person, reason: str
    ) -> None:
        from learninghub.services.members import hub_membership_sign_off_settled

        hub_membership_sign_off_settled(
            partnership=partnership, round=subject, sign_off=sign_off, actor=actor, reason=reason
        )


@subject_type(HubSession)
class HubSessionSubject(SubjectType[HubSession]):
    page = ("learninghub:session_detail", "hub_session_id")

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
