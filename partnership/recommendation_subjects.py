"""Recommendations and their plans, declared to the kernel as subjects (deadlines, sign-offs, documents, history).

Loaded by ``PartnershipConfig.ready``. The sign-off of recommendations is the
sign-off of the round they were put to the partners in; when it settles, the
round's recommendations move with it (``partnership.services.recommendations``).
"""

from __future__ import annotations

from django.urls import reverse

from partnership.models import Membership, Partnership, Person, Role, SignOff
from partnership.models.recommendations import Action, ActionPlan, ProgressReport, Recommendation, RecommendationRound
from partnership.selectors import action_plans as _action_plans  # noqa: F401 (registers the agency leads' tasks)
from partnership.selectors.recommendation_access import (
    action_visible_to,
    recommendations_readable_by,
)
from partnership.subjects import SubjectType, subject_type


@subject_type(Recommendation)
class RecommendationSubject(SubjectType[Recommendation]):
    page = ("partnership:recommendation_detail", "recommendation_id")

    def visible_to(self, subject: Recommendation, membership: Membership) -> bool:
        return recommendations_readable_by(membership)


@subject_type(RecommendationRound)
class RecommendationRoundSubject(SubjectType[RecommendationRound]):
    """Signed off by the three statutory partners; its recommendations move when the sign-off settles."""

    page = ("partnership:recommendation_round_detail", "round_id")

    def visible_to(self, subject: RecommendationRound, membership: Membership) -> bool:
        return recommendations_readable_by(membership)

    def sign_off_prepare(self, *, partnership: Partnership, subject: RecommendationRound) -> None:
        from partnership.services.recommendations import recommendation_round_sign_off_prepare

        recommendation_round_sign_off_prepare(partnership=partnership, round=subject)

    def sign_off_settled(
        self, *, partnership: Partnership, subject: RecommendationRound, sign_off: SignOff, actor: Person, reason: str
    ) -> None:
        from partnership.services.recommendations import recommendation_round_sign_off_settled

        recommendation_round_sign_off_settled(
            partnership=partnership, round=subject, sign_off=sign_off, actor=actor, reason=reason
        )


@subject_type(ActionPlan)
class ActionPlanSubject(SubjectType[ActionPlan]):
    """The plan's own deadline (due 10 working days after sign-off) is worked on its page."""

    def url(self, subject: ActionPlan) -> str:
        return reverse(
            "partnership:action_plan_detail",
            kwargs={"slug": subject.partnership.slug, "recommendation_id": subject.recommendation_id},
        )

    def visible_to(self, subject: ActionPlan, membership: Membership) -> bool:
        return recommendations_readable_by(membership)


@subject_type(Action)
class ActionSubject(SubjectType[Action]):
    """An action's due date is a deadline: overdue, it escalates (see the action plans' services)."""

    page = ("partnership:action_detail", "action_id")

    def visible_to(self, subject: Action, membership: Membership) -> bool:
        return action_visible_to(subject, membership)

    def breach_recipients(self, subjects: list[Action]) -> dict[int, list[tuple[Person, str]]]:
        """An overdue action is escalated to its lead agency's agency leads too (the business managers hear anyway).

        One query for every overdue action of the sweep, whatever their partnerships.
        """
        agency_ids = {action.lead_agency_id for action in subjects}
        leads = (
            Membership.objects.filter(
                partnership_id__in={action.partnership_id for action in subjects},
                agency_id__in=agency_ids,
                is_active=True,
                person__is_active=True,
                roles__role=Role.AGENCY_LEAD,
            )
            .select_related("person", "agency")
            .order_by("person__full_name", "person__email")
        )
        by_agency: dict[tuple[int, int], list[tuple[Person, str]]] = {}
        for lead in leads:
            by_agency.setdefault((lead.partnership_id, lead.agency_id), []).append(
                (lead.person, f"the agency lead of {lead.agency.name}")
            )
        return {action.pk: by_agency.get((action.partnership_id, action.lead_agency_id), []) for action in subjects}


@subject_type(ProgressReport)
class ProgressReportSubject(SubjectType[ProgressReport]):
    def url(self, subject: ProgressReport) -> str:
        return reverse(
            "partnership:progress_report_detail",
            kwargs={"slug": subject.partnership.slug, "report_id": subject.pk},
        )

    def visible_to(self, subject: ProgressReport, membership: Membership) -> bool:
        return recommendations_readable_by(membership)
