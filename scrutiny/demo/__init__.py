"""Demo scrutiny: what an independent scrutineer has been doing in the demo partnerships.

Each part of scrutiny adds its own seeding function here (the quarterly data sets' is in ``scrutiny.demo.datasets``);
``demo_scrutiny_seed`` (``manage.py seed_demo_scrutiny``, run by ``bin/run`` after the other apps' demo data) calls
them for each demo partnership. Every function adds nothing
twice, and writes through scrutiny's services so the history reads as if people had done it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from learninghub.selectors.cycles import hub_cycle_list
from partnership.models import Agency, LearningTheme, Membership, Partnership, Role, StatutoryPartner
from partnership.selectors import working_day_calendar
from partnership.services.learning_themes import learning_themes_seed
from reviews.selectors.rapid_review import rapid_review_list
from scrutiny.demo.datasets import DEMO_INDICATORS, DEMO_QUARTERS, seed_datasets  # noqa: F401 (tests')
from scrutiny.demo.reports import seed_reports
from scrutiny.models import ActivityKind, Challenge, ProfessionalDisagreement, ScrutinyPlan
from scrutiny.models.plan import reporting_year_of
from scrutiny.selectors.challenges import challenge_responders
from scrutiny.services import challenges as challenge_services
from scrutiny.services import disagreements as disagreement_services
from scrutiny.services import plan as plan_services

DEMO_PARTNERSHIPS = ("ashby-scp", "wessex-scp")


class DemoPeopleMissingError(LookupError):
    """``seed_demo`` has not made the partnership or its people yet."""


@dataclass
class DemoScrutinyResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


def demo_scrutiny_seed(*, today: date | None = None) -> DemoScrutinyResult:
    """Every part of scrutiny's demo data, in each demo partnership; no email is sent while seeding."""
    today = today or timezone.localdate()
    result = DemoScrutinyResult()
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"), transaction.atomic():
        for slug in DEMO_PARTNERSHIPS:
            partnership = Partnership.objects.filter(slug=slug).first()
            if partnership is None:
                raise DemoPeopleMissingError(f"There is no partnership {slug}: run manage.py seed_demo first.")
            seed_challenges(partnership=partnership, today=today, result=result)
            for what, n in seed_datasets(
                partnership, today=today, actor=_member(partnership, Role.BUSINESS_MANAGER)
            ).items():
                if n:
                    result.count(f"data set {what}", n)
            seed_plan_and_disagreements(partnership=partnership, today=today, result=result)
            seed_reports(partnership=partnership, today=today, result=result)
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
        raise DemoPeopleMissingError(f"{partnership.slug} has no {role} yet: run manage.py seed_demo first.")
    return member


# (quarter, kind, theme, title, findings when done): last year's plan done, this year's under way.
_ACTIVITIES = (
    (
        1,
        ActivityKind.DEEP_DIVE,
        "Missing children",
        "Deep dive: children missing from home and care",
        "Return interviews were offered in every case but took place within 72 hours in only 6 of 10.",
    ),
    (
        2,
        ActivityKind.DEEP_DIVE,
        "Thresholds",
        "Deep dive: thresholds and referrals",
        "Referrals from schools were twice as likely as those from health to be closed with no further action.",
    ),
    (
        2,
        ActivityKind.FRONTLINE_VISIT,
        None,
        "Visit to the multi-agency safeguarding hub",
        "Practitioners valued co-location; police checks waited on one officer on late shifts.",
    ),
    (
        3,
        ActivityKind.CONVERSATION,
        None,
        "Conversation with the children in care council",
        "Young people wanted to know who to call when a social worker changes.",
    ),
    (3, ActivityKind.DEEP_DIVE, None, "Deep dive: child protection medicals", ""),
    (4, ActivityKind.PEER_REVIEW, None, "Peer review with a neighbouring region", ""),
)


def seed_plan_and_disagreements(*, partnership: Partnership, today: date, result: DemoScrutinyResult) -> None:
    """Last year's plan (agreed, done) and this year's (agreed, half done, one dropped) with evidence and a
    recommendation, and five disagreements at every stage, one resolved. Nothing is added twice."""
    scrutineer = _member(partnership, Role.SCRUTINEER)
    manager = _member(partnership, Role.BUSINESS_MANAGER)
    learning_themes_seed(partnership=partnership)
    themes = {t.name.lower(): t.pk for t in LearningTheme.objects.in_partnership(partnership)}
    current = reporting_year_of(today)
    for year in (current - 1, current):
        if ScrutinyPlan.objects.in_partnership(partnership).filter(year=year).exists():
            continue
        _plan(partnership, scrutineer.person, year, finished=year < current, themes=themes)
        result.count("scrutiny plans")
    if not ProfessionalDisagreement.objects.in_partnership(partnership).exists():
        _disagreements(partnership, manager, scrutineer, today)
        result.count("professional disagreements", 5)


def _theme_id(themes: dict[str, int], name: str | None) -> int | None:
    if name is None:
        return None
    return next((pk for theme, pk in themes.items() if name.lower() in theme), None)


def _plan(partnership: Partnership, actor, year: int, *, finished: bool, themes: dict[str, int]) -> None:
    plan = plan_services.scrutiny_plan_create(partnership=partnership, actor=actor, year=year)
    plan_services.scrutiny_plan_move(partnership=partnership, actor=actor, plan=plan, to="agreed")
    review = rapid_review_list(partnership=partnership).first()
    cycle = hub_cycle_list(partnership=partnership).first()
    for n, (quarter, kind, theme, title, findings) in enumerate(_ACTIVITIES):
        activity = plan_services.plan_activity_create(
            partnership=partnership,
            actor=actor,
            plan=plan,
            quarter=quarter,
            kind=kind,
            title=title,
            theme_id=_theme_id(themes, theme),
        )
        started = finished or quarter <= 2
        if not started:
            continue
        plan_services.plan_activity_move(partnership=partnership, actor=actor, activity=activity, to="in_progress")
        if not findings:
            plan_services.plan_activity_move(
                partnership=partnership,
                actor=actor,
                activity=activity,
                to="dropped",
                reason="Covered by the joint targeted area inspection.",
            )
            continue
        plan_services.plan_activity_update(
            partnership=partnership,
            actor=actor,
            activity=activity,
            quarter=quarter,
            kind=kind,
            title=title,
            theme_id=activity.theme_id,
            findings=findings,
        )
        if n == 0 and review is not None:
            plan_services.evidence_link_add(
                partnership=partnership,
                actor=actor,
                activity=activity,
                kind="rapid_review",
                record_id=review.pk,
                note="Its timeline shows the return interview on day 5.",
            )
        if n == 0 and cycle is not None:
            plan_services.evidence_link_add(
                partnership=partnership, actor=actor, activity=activity, kind="hub_cycle", record_id=cycle.pk
            )
        if n == 0 and not finished:
            plan_services.plan_activity_recommendation_raise(
                partnership=partnership,
                actor=actor,
                activity=activity,
                text="Every child returning from a missing episode is offered a return interview within 72 hours.",
                lead_partner="police",
            )
        if finished or quarter == 1:
            plan_services.plan_activity_move(partnership=partnership, actor=actor, activity=activity, to="done")


# (working days ago raised, stage reached, resolved, summary)
_DISAGREEMENTS = (
    (25, "manager", False, "Child A: a referral for neglect was closed with no assessment."),
    (40, "senior_manager", False, "Child B: no strategy discussion after a disclosure at school."),
    (60, "scrutineer", False, "Child C: the child protection medical was refused as not needed."),
    (8, "practitioner", False, "Child D: step-down to early help without the school's view."),
    (90, "manager", True, "Child E: the threshold for a child in need assessment."),
)


def _disagreements(partnership: Partnership, manager: Membership, scrutineer: Membership, today: date) -> None:
    agencies = list(Agency.objects.in_partnership(partnership).order_by("pk")[:4])
    if len(agencies) < 2:
        return
    order = ("practitioner", "manager", "senior_manager", "scrutineer")
    for n, (days_ago, stage, resolved, summary) in enumerate(_DISAGREEMENTS):
        raised_on = today - timedelta(days=days_ago * 7 // 5)
        d = disagreement_services.disagreement_record(
            partnership=partnership,
            actor=manager.person,
            membership=manager,
            raised_by_agency_id=agencies[(n + 1) % len(agencies)].pk,
            with_agency_id=agencies[n % len(agencies)].pk,
            raised_on=raised_on,
            subject_summary=summary,
            today=today,
        )
        on = raised_on
        for step in order[1 : order.index(stage) + 1]:
            on = min(on + timedelta(days=5), today)
            disagreement_services.disagreement_escalate(
                partnership=partnership,
                actor=manager.person,
                membership=manager,
                disagreement=d,
                to_stage=step,
                escalated_on=on,
                note="Not agreed at the stage before: escalated under the partnership's procedure.",
                today=today,
            )
        if resolved:
            disagreement_services.disagreement_resolve(
                partnership=partnership,
                actor=manager.person,
                membership=manager if stage != "scrutineer" else scrutineer,
                disagreement=d,
                resolved_on=min(on + timedelta(days=7), today),
                outcome="The assessment went ahead; the family were offered support.",
                learning="The two agencies read the threshold document differently: joint training was arranged.",
                today=today,
            )


def seed_challenges(*, partnership: Partnership, today: date, result: DemoScrutinyResult) -> None:
    """The scrutineer has challenged: the police about the rapid reviews' timeliness (open, not yet due); a school
    about its overdue actions (open and overdue, so the school's agency lead has it on their tasks and the deadline
    engine chases it); health about the recommendations register (answered, waiting for the scrutineer); the local
    authority about late rapid reviews (answer escalated to the partnership board, with a recommendation drafted
    from it); and the police again about the overdue actions (accepted and closed). A partnership with any
    challenge is left as it is."""
    if Challenge.objects.in_partnership(partnership).exists():
        return
    result.count("challenges", _challenges(partnership, today))


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
        return challenge_services.challenge_raise(
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
        challenge_services.challenge_respond(
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
    challenge_services.challenge_escalate(
        **moves,
        challenge=escalated,
        reason="The answer gives no date and no change: the board should set one.",
        expected_updated_at=None,
    )
    challenge_services.challenge_recommend(
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
    challenge_services.challenge_accept(**moves, challenge=closed, expected_updated_at=None, note="Evidence seen.")
    challenge_services.challenge_close(
        **moves,
        challenge=closed,
        outcome="Two actions complete; the third is tracked on the action plan.",
        expected_updated_at=None,
    )
    return 5
