"""Ten years of recommendations, action plans, actions and progress in the large partnership, with bulk_create.

At scale 1: 60 recommendations a year for ten years (600) in ``bench-000``,
the old ones completed or closed, the recent ones in progress or being
planned, a few drafts and proposals; each plan has 3 to 6 actions led by the
partnership's agencies (about 2,700 actions), each with up to four dated
progress updates, and the open ones' deadlines (an action's due date, a plan's
10 working days) as the services would have left them. Some actions are
overdue, some plans late. The plan page is measured on the newest plan in
progress with the most actions.

Nothing here goes through the services (one row at a time); the shape obeys
their rules: a completed recommendation's actions are complete, an agreed
plan's deadline is met, an open action's deadline is open.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from partnership.models import Agency, Deadline, Membership, Partnership, StatutoryPartner
from partnership.models.recommendations import (
    Action,
    ActionPlan,
    ActionUpdate,
    Rag,
    Recommendation,
    RecommendationSource,
)
from partnership.selectors import working_day_calendar

PER_YEAR, YEARS = 60, 10
BATCH = 2000
State = Recommendation.State
_PARTNERS = [StatutoryPartner.LOCAL_AUTHORITY, StatutoryPartner.HEALTH, StatutoryPartner.POLICE]
_WHATS = [
    "Audit the quality of referrals from {agency}.",
    "Brief {agency}'s staff on the escalation policy.",
    "Add the child's voice to {agency}'s assessment template.",
    "Review how {agency} follows up missed health appointments.",
    "Train {agency}'s designated leads on professional curiosity.",
    "Share {agency}'s domestic abuse notifications within 24 hours.",
]


def _at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _state_for(age_days: int, rng: random.Random) -> str:
    """What a recommendation made ``age_days`` ago has usually become."""
    if age_days > 3 * 365:
        return rng.choice([State.CLOSED, State.CLOSED, State.CLOSED, State.COMPLETED])
    if age_days > 365:
        return rng.choice([State.CLOSED, State.COMPLETED, State.COMPLETED, State.IN_PROGRESS])
    if age_days > 60:
        return rng.choice([State.IN_PROGRESS, State.IN_PROGRESS, State.IN_PROGRESS, State.COMPLETED])
    if age_days > 20:
        return rng.choice([State.IN_PROGRESS, State.ACTION_PLANNING, State.ACTION_PLANNING])
    return rng.choice([State.DRAFT, State.PROPOSED, State.ACTION_PLANNING])


def seed_plans(*, scale: float = 1.0, log=print) -> int:
    """Write the large partnership's ten years of recommendations and plans. Returns the recommendation count."""
    rng = random.Random(20261203)
    partnership = Partnership.objects.get(slug="bench-000")
    calendar = working_day_calendar(partnership=partnership)
    today = timezone.localdate()
    agencies = list(Agency.objects.filter(partnership=partnership, is_active=True).order_by("pk"))
    people_by_agency: dict[int, list[int]] = {}
    for agency_id, person_id in Membership.objects.filter(partnership=partnership, is_active=True).values_list(
        "agency_id", "person_id"
    ):
        people_by_agency.setdefault(agency_id, []).append(person_id)
    bm_id = (
        Membership.objects.filter(partnership=partnership, roles__role="business_manager")
        .order_by("person__email")
        .values_list("person_id", flat=True)
        .first()
    )
    count = max(10, round(PER_YEAR * YEARS * scale))
    log(f"  recommendations and plans: {count} over {YEARS} years in {partnership.slug}")

    recommendations = []
    for n in range(count):
        made_on = today - timedelta(days=round((count - n) * YEARS * 365 / count))
        state = _state_for((today - made_on).days, rng)
        signed = state not in (State.DRAFT, State.PROPOSED)
        signed_on = calendar.add_working_days(made_on, rng.randint(5, 15)) if signed else None
        signed_on = min(signed_on, today) if signed_on else None
        completed_on = None
        if state in (State.COMPLETED, State.CLOSED):
            completed_on = min(today, made_on + timedelta(days=rng.randint(200, 500)))
        recommendations.append(
            Recommendation(
                partnership=partnership,
                reference=f"REC-{made_on:%Y}-{n:04d}",
                text=f"Recommendation {n}: agencies act on what the review found about {rng.choice(_WHATS)[:-1]}",
                source_kind=RecommendationSource.OTHER,
                source_description="Benchmark",
                lead_partner=rng.choice(_PARTNERS),
                state=state,
                signed_off_at=_at(signed_on) if signed_on else None,
                impact_evidence="Re-audit showed the change held." if completed_on else "",
                completed_at=_at(completed_on, 16) if completed_on else None,
                closed_at=_at(completed_on, 17) if state == State.CLOSED else None,
                created_by_id=bm_id,
                created_at=_at(made_on),
            )
        )
    Recommendation.objects.bulk_create(recommendations, batch_size=BATCH)

    plans = [
        ActionPlan(
            partnership=partnership,
            recommendation=r,
            agreed_at=None if r.state == State.ACTION_PLANNING else r.signed_off_at + timedelta(days=10),
            agreed_by_id=None if r.state == State.ACTION_PLANNING else bm_id,
            created_at=r.signed_off_at,
        )
        for r in recommendations
        if r.signed_off_at is not None
    ]
    ActionPlan.objects.bulk_create(plans, batch_size=BATCH)

    actions = []
    for plan in plans:
        r = plan.recommendation
        done = r.state in (State.COMPLETED, State.CLOSED)
        for position in range(1, rng.randint(3, 6) + 1):
            agency = rng.choice(agencies)
            due_on = r.signed_off_at.date() + timedelta(days=rng.randint(30, 300))
            if done:
                rag, completed_at = Rag.COMPLETE, r.completed_at - timedelta(days=rng.randint(1, 60))
            else:
                rag = rng.choice([Rag.RED, Rag.AMBER, Rag.GREEN, Rag.GREEN, Rag.COMPLETE])
                completed_at = _at(min(today, due_on)) if rag == Rag.COMPLETE else None
            people = people_by_agency.get(agency.pk) or [bm_id]
            actions.append(
                Action(
                    partnership=partnership,
                    plan=plan,
                    position=position,
                    what=rng.choice(_WHATS).format(agency=agency.name),
                    lead_agency=agency,
                    lead_person_id=rng.choice(people),
                    due_on=due_on,
                    measure_of_success="Reported to the board with evidence of the change.",
                    rag=rag,
                    completed_at=completed_at,
                    created_at=plan.created_at,
                )
            )
    Action.objects.bulk_create(actions, batch_size=BATCH)

    updates = []
    for action in actions:
        start = action.created_at.date()
        for k in range(rng.randint(0, 4)):
            on = min(today, start + timedelta(days=30 * (k + 1)))
            updates.append(
                ActionUpdate(
                    partnership=partnership,
                    action=action,
                    on=on,
                    note="Progress reported at the partnership's quarterly review.",
                    rag=action.rag if action.rag != Rag.COMPLETE else Rag.GREEN,
                    author_id=action.lead_person_id,
                    created_at=_at(on),
                )
            )
    ActionUpdate.objects.bulk_create(updates, batch_size=BATCH)

    plan_type, action_type = ContentType.objects.get_for_model(ActionPlan), ContentType.objects.get_for_model(Action)
    deadlines = []
    for plan in plans:
        due_on = calendar.add_working_days(plan.recommendation.signed_off_at.date(), 10)
        agreed = plan.agreed_at is not None
        deadlines.append(
            Deadline(
                partnership=partnership,
                subject_type=plan_type,
                subject_id=plan.pk,
                kind="action_plan.due",
                title=f"Action plan for {plan.recommendation.reference}",
                due_on=due_on,
                remind_on=calendar.subtract_working_days(due_on, partnership.reminder_working_days),
                assignee_id=bm_id,
                state=Deadline.State.MET if agreed else Deadline.State.OPEN,
                met_at=plan.agreed_at,
                breached_at=_at(due_on + timedelta(days=1), 7) if not agreed and due_on < today else None,
                created_at=plan.created_at,
            )
        )
    for action in actions:
        closed = action.plan.recommendation.state == State.CLOSED
        deadlines.append(
            Deadline(
                partnership=partnership,
                subject_type=action_type,
                subject_id=action.pk,
                kind="action.due",
                title=f"Action {action.position} for {action.plan.recommendation.reference}: {action.what}"[:200],
                due_on=action.due_on,
                remind_on=calendar.subtract_working_days(action.due_on, partnership.reminder_working_days),
                assignee_id=action.lead_person_id,
                state=Deadline.State.MET
                if action.completed_at
                else Deadline.State.CANCELLED
                if closed
                else Deadline.State.OPEN,
                met_at=action.completed_at,
                breached_at=_at(action.due_on + timedelta(days=1), 7)
                if action.completed_at is None and action.due_on < today
                else None,
                created_at=action.created_at,
            )
        )
    Deadline.objects.bulk_create(deadlines, batch_size=BATCH)
    log(f"    {len(plans)} plans, {len(actions)} actions, {len(updates)} updates, {len(deadlines)} deadlines")
    return count


def plan_recommendation_id(partnership: Partnership) -> int | None:
    """The newest recommendation in progress whose plan has the most actions: the plan page measured."""
    from django.db.models import Count

    return (
        Recommendation.objects.filter(partnership=partnership, state=State.IN_PROGRESS)
        .annotate(n=Count("action_plan__actions"))
        .order_by("-n", "-created_at")
        .values_list("pk", flat=True)
        .first()
    )
