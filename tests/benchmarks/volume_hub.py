"""Ten years of learning hub cycles in the large partnership, through the cycle service.

At scale 1: three cycles a year for ten years (30) in ``bench-000``, each working one of its priorities, made by
``hub_cycle_create`` (a partnership sets up a few cycles a year, so the service's own writes are the realistic
shape: every phase of seed 000's model on the partnership's calendar, about 60 checklist tasks with their
deadlines and history rows). Every cycle before the newest is over: its tasks ticked (bulk, with ``done_at`` and
``done_by`` and the deadlines met), a few left undone and late. The newest started about three months ago and is
in month 3, its past phases ticked but a few tasks; the cycle page is measured on it.

The newest cycle then gets a national volume of its month-by-month work, each written through its service
(``_fill_newest``): a delivery plan of 12 figures over 8 periods with a few items and 3 saved versions, 10
sessions of about 20 attending members with 3 actions each, 25 nominations, feedback (practitioner sessions,
children's feedback, figures, "you said, we did" and a survey of 5 questions with 200 responses), 30 findings
under the learning themes, 10 draft recommendations and 2 linked case audit rounds. These counts do not scale:
the cycle is one cycle, however many the partnership has had.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from audits.models import AuditRound
from learninghub.models import FeedbackSurvey, HubCycle, HubTask, PlanItemKind, PlanVersion, SessionKind
from learninghub.services import feedback as feedback_services
from learninghub.services.cycles import TASK_DEADLINE, hub_cycle_create
from learninghub.services.findings import hub_audit_round_link, hub_draft_add, hub_finding_add
from learninghub.services.members import hub_nomination_create
from learninghub.services.plans import delivery_plan_start, plan_indicator_add, plan_item_add, plan_version_save
from learninghub.services.sessions import hub_session_action_add, hub_session_attendance_set, hub_session_create
from partnership.models import Deadline, LearningTheme, Membership, Partnership, Role
from partnership.models.priorities import Priority
from partnership.selectors import working_day_calendar
from partnership.services.learning_themes import learning_themes_seed
from partnership.services.priorities import priority_create

PER_YEAR, YEARS = 3, 10
_PRIORITIES = [
    ("Children missing and at risk of exploitation", "police"),
    ("Neglect: help that comes early", "local_authority"),
    ("Safer sleep and infants under one", "health"),
]


def seed_hub(*, scale: float = 1.0, log=print) -> int:
    """Write the large partnership's cycles. Returns how many."""
    rng = random.Random(20261204)
    partnership = Partnership.objects.get(slug="bench-000")
    calendar = working_day_calendar(partnership=partnership)
    today = timezone.localdate()
    bm = (
        Membership.objects.filter(partnership=partnership, is_active=True, roles__role=Role.BUSINESS_MANAGER)
        .select_related("person")
        .order_by("pk")
        .first()
    )
    priorities = []
    for title, lead in _PRIORITIES:
        priority = Priority.objects.in_partnership(partnership).filter(title=title).first()
        priorities.append(
            priority
            or priority_create(
                partnership=partnership,
                actor=bm.person,
                title=title,
                lead_partner=lead,
                start_year=today.year - YEARS,
                end_year=today.year + 1,
            )
        )
    count = max(2, round(PER_YEAR * YEARS * scale))
    # The newest starts about three months ago; the others every four months before it.
    newest_start = calendar.subtract_working_days(today, 60)
    starts = [newest_start - timedelta(days=122 * i) for i in range(count)]
    for n, planned_start in enumerate(reversed(starts)):
        starts_on = planned_start
        while not calendar.is_working_day(starts_on):
            starts_on += timedelta(days=1)
        cycle = hub_cycle_create(
            partnership=partnership,
            actor=bm.person,
            title=f"{priorities[n % len(priorities)].title}: learning hub {starts_on:%B %Y}",
            priority_id=priorities[n % len(priorities)].pk,
            starts_on=starts_on,
            has_pre_meet=n % 4 != 0,
        )
        _tick_past(partnership, cycle, bm, today, rng)
    _fill_newest(partnership, cycle, bm, rng=rng, log=log)
    log(f"    {count} learning hub cycles, {HubTask.objects.filter(partnership=partnership).count()} tasks")
    return count


def _tick_past(partnership: Partnership, cycle: HubCycle, bm: Membership, today: date, rng: random.Random) -> None:
    """Tick what a cycle's phases behind today asked for, bar one task in twenty (late)."""
    past = list(
        HubTask.objects.filter(partnership=partnership, cycle=cycle, phase__ends_on__lt=today).values_list(
            "pk", "due_on"
        )
    )
    done = [(pk, due) for pk, due in past if rng.random() > 0.05]
    for pk, due in done:
        at = timezone.make_aware(datetime.combine(due - timedelta(days=rng.randint(0, 6)), time(11)))
        HubTask.objects.filter(pk=pk).update(done_at=at, done_by=bm.person)
    if done:
        Deadline.objects.filter(
            Q(subject_id__in=[pk for pk, _ in done]), partnership=partnership, kind=TASK_DEADLINE
        ).update(state=Deadline.State.MET, met_at=timezone.now())


FIGURES, PERIODS, VERSIONS = 12, 8, 3
SESSIONS, ATTENDING, ACTIONS = 10, 20, 3
NOMINATIONS, RESPONSES, FINDINGS, DRAFTS, AUDITS = 25, 200, 30, 10, 2
_LEADS = ["local_authority", "health", "police"]


def _fill_newest(partnership: Partnership, cycle: HubCycle, bm: Membership, *, rng: random.Random, log) -> None:
    """The newest cycle's plan, sessions, members, feedback and findings at a national volume (see the top)."""
    members = list(
        Membership.objects.filter(partnership=partnership, is_active=True, person__is_active=True)
        .exclude(agency=None)
        .exclude(pk=bm.pk)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    learning_themes_seed(partnership=partnership)
    themes = list(LearningTheme.objects.filter(partnership=partnership).order_by("name").values_list("pk", flat=True))
    _fill_plan(partnership, cycle, bm.person, rng)
    _fill_sessions(partnership, cycle, bm.person, rng, members)
    # Nominations by the business manager, each for the member's own agency.
    for member_id in members[:NOMINATIONS]:
        hub_nomination_create(
            partnership=partnership,
            actor=bm.person,
            membership=bm,
            cycle=cycle,
            member_id=member_id,
            hub_role=("practitioner", "manager")[member_id % 2],
            why="Knows the priority's cases",
        )
    _fill_feedback(partnership, cycle, bm.person, rng, themes)
    _fill_findings(partnership, cycle, bm.person, rng, themes)
    log(
        f"    newest cycle: {FIGURES * PERIODS} plan figures, {VERSIONS} versions, {SESSIONS} sessions, "
        f"{NOMINATIONS} nominations, {RESPONSES} survey responses, {FINDINGS} findings, {DRAFTS} drafts"
    )


def _fill_plan(partnership: Partnership, cycle: HubCycle, actor, rng: random.Random) -> None:
    # The delivery plan: 12 figures over 8 quarters, a few measures, guidance and evidence, 3 saved versions
    # (after the 3rd, the 6th and the last quarter went in).
    plan = delivery_plan_start(partnership=partnership, actor=actor, cycle=cycle)
    periods = [f"{2023 + q // 4}-{(24 + q // 4) % 100:02d} Q{q % 4 + 1}" for q in range(PERIODS)]
    for p, period in enumerate(periods):
        for f in range(FIGURES):
            plan_indicator_add(
                partnership=partnership,
                actor=actor,
                plan=plan,
                name=f"Figure {f + 1:02d}: {('episodes', 'referrals', 'plans', 'visits')[f % 4]} in the priority",
                period_label=period,
                value=str(rng.randint(10, 400)),
                unit=("episodes", "referrals", "plans", "visits")[f % 4],
            )
        if p % 3 == 2 or p == PERIODS - 1:
            plan_version_save(partnership=partnership, actor=actor, plan=plan, label=f"After {period}")
    for n in range(6):
        plan_item_add(
            partnership=partnership, actor=actor, plan=plan, kind=PlanItemKind.MEASURE, title=f"Measure {n + 1}"
        )
    for n in range(4):
        plan_item_add(
            partnership=partnership,
            actor=actor,
            plan=plan,
            kind=PlanItemKind.GUIDANCE,
            title=f"Working Together, chapter {n + 2}",
            url=f"https://www.gov.uk/guidance/working-together-{n}",
        )


def _fill_sessions(partnership: Partnership, cycle: HubCycle, actor, rng: random.Random, members: list[int]) -> None:
    today = timezone.localdate()
    # Sessions: month 1 to 3 meetings and learning events over the last three months, held or to come.
    starts = [datetime.combine(today - timedelta(days=63 - 9 * n), time(10)) for n in range(SESSIONS)]
    kinds = [SessionKind.MONTH_1, SessionKind.MONTH_2, SessionKind.MONTH_3, SessionKind.LEARNING_EVENT]
    for n, start in enumerate(starts):
        starts_at = timezone.make_aware(start)
        session = hub_session_create(
            partnership=partnership,
            actor=actor,
            cycle=cycle,
            kind=kinds[n % len(kinds)],
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2, minutes=30),
            title=f"Hub meeting {n + 1}",
            place="Council offices, room 2",
            agenda="1. Welcome\n2. The priority's data\n3. Actions",
        )
        invited = rng.sample(members, ATTENDING + 4)
        hub_session_attendance_set(
            partnership=partnership,
            actor=actor,
            session=session,
            attended_ids=invited[:ATTENDING],
            apologies_ids=invited[ATTENDING:],
        )
        for a in range(ACTIONS):
            hub_session_action_add(
                partnership=partnership,
                actor=actor,
                session=session,
                text=f"Action {a + 1} from hub meeting {n + 1}",
                owner_id=invited[a],
                due_on=start.date() + timedelta(days=14 + 7 * a),
            )


def _fill_feedback(partnership: Partnership, cycle: HubCycle, actor, rng: random.Random, themes: list[int]) -> None:
    """Practitioners' sessions, children's feedback, figures, "you said, we did", a survey of 200 responses."""
    today = timezone.localdate()
    for n in range(4):
        feedback_services.feedback_session_create(
            partnership=partnership,
            actor=actor,
            cycle=cycle,
            title=f"Practitioner forum {n + 1}",
            held_on=today - timedelta(days=30 - 7 * n),
            attended=rng.randint(12, 40),
            summary="Practitioners talked about return interviews.",
            quotes=["One worker they know", "Shared chronologies"],
            theme_ids=themes[n % len(themes) : n % len(themes) + 2],
        )
        feedback_services.child_feedback_create(
            partnership=partnership,
            actor=actor,
            cycle=cycle,
            gathered_on=today - timedelta(days=28 - 7 * n),
            method="Group discussion at the youth forum",
            children=rng.randint(0, 6),
            young_people=rng.randint(2, 10),
            families=rng.randint(0, 4),
            summary="Young people want one worker they know.",
            consent_recorded=True,
            consent_how="Written consent from each young person and a parent",
        )
        feedback_services.evaluation_figure_create(
            partnership=partnership,
            actor=actor,
            cycle=cycle,
            label=f"Said the hub changed their practice ({n + 1})",
            value=str(rng.randint(40, 90)),
            out_of="100",
            respondents=rng.randint(20, 200),
        )
        feedback_services.you_said_we_did_create(
            partnership=partnership,
            actor=actor,
            cycle=cycle,
            you_said=f"You said the referral form is too long ({n + 1}).",
            we_did="We cut it to one page.",
        )
    survey = feedback_services.feedback_survey_create(
        partnership=partnership, actor=actor, cycle=cycle, title="Survey of practitioners", sent_count=400
    )
    questions = [
        feedback_services.survey_question_add(
            partnership=partnership, actor=actor, survey=survey, text=text, kind=kind, required=kind != "text"
        )
        for text, kind in [
            ("How useful was the hub?", "scale"),
            ("How confident are you now?", "scale"),
            ("Has your practice changed?", "yes_no"),
            ("Would you join again?", "yes_no"),
            ("What would you change?", "text"),
        ]
    ]
    feedback_services.feedback_survey_move(partnership=partnership, actor=actor, survey=survey, to="open")
    for _ in range(RESPONSES):
        answers = {}
        for question in questions:
            if question.kind == "scale":
                answers[question.pk] = str(rng.randint(1, 5))
            elif question.kind == "yes_no":
                answers[question.pk] = rng.choice(["yes", "no"])
            elif rng.random() < 0.4:
                answers[question.pk] = "More time for the case discussion."
        feedback_services.survey_response_submit(survey=survey, answers=answers)


def _fill_findings(partnership: Partnership, cycle: HubCycle, actor, rng: random.Random, themes: list[int]) -> None:
    """Findings under the learning themes, draft recommendations, two of the partnership's case audits linked."""
    for n in range(FINDINGS):
        hub_finding_add(
            partnership=partnership,
            actor=actor,
            cycle=cycle,
            theme_id=themes[n % len(themes)],
            text=f"Finding {n + 1}: return interviews were not offered within 72 hours in {rng.randint(2, 9)} cases.",
        )
    for n in range(DRAFTS):
        hub_draft_add(
            partnership=partnership,
            actor=actor,
            cycle=cycle,
            text=f"Draft {n + 1}: offer every child a return interview within 72 hours.",
            lead_partner=_LEADS[n % 3],
            rationale="Seen in the audits and the practitioners' feedback.",
            theme_id=themes[n % len(themes)],
        )
    rounds = AuditRound.objects.filter(partnership=partnership).order_by("-id").values_list("pk", flat=True)
    for audit_round_id in list(rounds[:AUDITS]):
        hub_audit_round_link(partnership=partnership, actor=actor, cycle=cycle, audit_round_id=audit_round_id)


def hub_ids(partnership: Partnership) -> dict[str, int | None]:
    """The newest cycle: the one in progress whose pages are measured; its survey, its plan's first and last
    saved versions (the two the compare pages put side by side)."""
    newest = HubCycle.objects.filter(partnership=partnership).order_by("-starts_on", "-id")
    cycle_id = newest.values_list("pk", flat=True).first()
    survey_id = (
        FeedbackSurvey.objects.filter(partnership=partnership, cycle_id=cycle_id)
        .order_by("id")
        .values_list("pk", flat=True)
        .first()
    )
    versions = list(
        PlanVersion.objects.filter(partnership=partnership, plan__cycle_id=cycle_id)
        .order_by("id")
        .values_list("pk", flat=True)
    )
    return {
        "hub_cycle_id": cycle_id,
        "hub_survey_id": survey_id,
        "hub_plan_first_version_id": versions[0] if versions else None,
        "hub_plan_last_version_id": versions[-1] if versions else None,
    }
