"""Demo data for the challenge log: challenges at every stage in the Ashby and Wessex demo partnerships.

``partnership.demo.demo_seed`` makes the partnerships and people (this refuses to run before it). In each, the
independent scrutineer has challenged: the police about the rapid reviews' timeliness (open, not yet due); a
school about its overdue actions (open and overdue, so the school's agency lead has it on their tasks and the
deadline engine chases it); health about the recommendations register (answered, waiting for the scrutineer); the
local authority about late rapid reviews (answer escalated to the partnership board, with a recommendation drafted
from it); and the police again about the overdue actions (accepted and closed). Everything goes through the
services (history, deadlines); no email is sent while seeding. Idempotent: a partnership with any challenge is left
as it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from partnership.models import Agency, Membership, Partnership, Role, StatutoryPartner
from partnership.selectors import working_day_calendar
from scrutiny.models import Challenge
from scrutiny.selectors.challenges import challenge_responders
from scrutiny.services import challenges as services

DEMO_PARTNERSHIPS = ("ashby-scp", "wessex-scp")


class DemoPeopleMissingError(RuntimeError):
    """The demo partnerships or their scrutineer are not there yet: run ``manage.py seed_demo`` first."""


@dataclass
class DemoScrutinyResult:
    created: dict[str, int] = field(default_factory=dict)


def demo_scrutiny_seed(*, today: date | None = None) -> DemoScrutinyResult:
    """Add the demo challenges to the demo partnerships, once; no email is sent while seeding."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed(today or timezone.localdate())


@transaction.atomic
def _seed(today: date) -> DemoScrutinyResult:
    result = DemoScrutinyResult()
    for slug in DEMO_PARTNERSHIPS:
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise DemoPeopleMissingError(f"No {slug} partnership yet: run manage.py seed_demo first.")
        if Challenge.objects.in_partnership(partnership).exists():
            continue
        result.created["challenges"] = result.created.get("challenges", 0) + _challenges(partnership, today)
    return result


def _member(partnership: Partnership, role: str, **filters) -> Membership:
    member = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=role, **filters)
        .select_related("person", "agency")
        .prefetch_related("roles")
        .order_by("pk")
        .first()
    )
    if member is None:
        raise DemoPeopleMissingError(f"{partnership.slug} has no demo {role} yet: run manage.py seed_demo first.")
    return member


def _partner(partnership: Partnership, partner: str) -> Agency:
    return Agency.objects.in_partnership(partnership).get(statutory_partner=partner)


def _challenges(partnership: Partnership, today: date) -> int:
    scrutineer = _member(partnership, Role.SCRUTINEER)
    school = _member(partnership, Role.AGENCY_LEAD, agency__statutory_partner="").agency
    calendar = working_day_calendar(partnership=partnership)
    slug = {"slug": partnership.slug}
    dashboard = reverse("scrutiny:dashboard", kwargs=slug)
    rapid_reviews = reverse("reviews:rapid_review_list", kwargs=slug)
    register = reverse("partnership:recommendation_register", kwargs=slug)
    overdue = reverse("scrutiny:overdue_actions", kwargs=slug)

    def raise_(agency: Agency, path: str, label: str, question: str, working_days_ago: int) -> Challenge:
        return services.challenge_raise(
            partnership=partnership,
            actor=scrutineer.person,
            membership=scrutineer,
            agency_id=agency.pk,
            subject_path=path,
            subject_label=label,
            question=question,
            today=calendar.subtract_working_days(today, working_days_ago),
        )

    def answer(challenge: Challenge, text: str) -> None:
        responder = challenge_responders(partnership=partnership, agency=challenge.agency)[0]
        services.challenge_respond(
            partnership=partnership,
            actor=responder.person,
            membership=responder,
            challenge=challenge,
            response=text,
            expected_updated_at=None,
            today=min(today, challenge.due_on),
        )

    moves = {"partnership": partnership, "actor": scrutineer.person, "membership": scrutineer}
    raise_(
        _partner(partnership, StatutoryPartner.POLICE),
        f"{dashboard}?year=",
        "Rapid review timeliness, every year",
        "The police's contributions to rapid reviews reach the business unit on day 6 or 7 on average, against day "
        "5 in the framework. What is holding them back, and what will change this quarter?",
        working_days_ago=3,
    )
    raise_(
        school,
        f"{overdue}?agency={school.pk}",
        f"Overdue actions: {school.name}",
        "Two actions your school leads are past their due date. Please say when each will be complete and what "
        "evidence of impact you will send.",
        working_days_ago=20,
    )
    answered = raise_(
        _partner(partnership, StatutoryPartner.HEALTH),
        register,
        "Recommendations register: health-led recommendations",
        "Three health-led recommendations have waited for an action plan since the board signed them off. Who owns "
        "the plans, and when will they be agreed?",
        working_days_ago=12,
    )
    answer(answered, "The ICB's designated nurse owns all three; the plans go to the next health executive meeting.")
    escalated = raise_(
        _partner(partnership, StatutoryPartner.LOCAL_AUTHORITY),
        f"{rapid_reviews}?timeliness=late",
        "Rapid reviews sent to the Panel late",
        "Four of the year's rapid reviews reached the National Panel after day 15. What is the local authority doing "
        "to notify within five working days and to hold the meeting by day 13?",
        working_days_ago=30,
    )
    answer(escalated, "Complexity and late agency returns: we are reviewing the process.")
    services.challenge_escalate(
        **moves,
        challenge=escalated,
        reason="The answer gives no date and no change: the board should set one.",
        expected_updated_at=None,
    )
    services.challenge_recommend(
        **moves,
        challenge=escalated,
        text="Agree a rapid review timetable with named deputies so every review reaches the Panel by day 15.",
        lead_partner=StatutoryPartner.LOCAL_AUTHORITY,
        rationale="Raised by the independent scrutineer's challenge and escalated to the board.",
    )
    closed = raise_(
        _partner(partnership, StatutoryPartner.POLICE),
        overdue,
        "Overdue actions by lead agency",
        "The police lead three overdue actions. What is the plan to complete them?",
        working_days_ago=40,
    )
    answer(closed, "Two are complete (evidence attached to the actions); the third is due at the end of the month.")
    services.challenge_accept(**moves, challenge=closed, expected_updated_at=None, note="Evidence seen.")
    services.challenge_close(
        **moves,
        challenge=closed,
        outcome="Two actions complete; the third is tracked on the action plan.",
        expected_updated_at=None,
    )
    return 5
