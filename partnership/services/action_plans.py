"""Action plans: a signed-off recommendation's plan, due 10 working days after sign-off, and its SMART actions.

The seeds' "action plan within two weeks" is 10 working days on the
partnership's calendar (its nation's bank holidays and its closure days), held
by the deadline engine, which reminds and escalates like every other deadline.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from partnership.models import Partnership, Person
from partnership.models.recommendations import ActionPlan, Recommendation
from partnership.selectors import working_day_calendar
from partnership.services.deadlines import deadline_set
from partnership.services.states import state_move

ACTION_PLAN_WORKING_DAYS = 10
DEADLINE_ACTION_PLAN = "action_plan.due"


@transaction.atomic
def action_plan_start(
    *, partnership: Partnership, recommendation: Recommendation, actor: Person | None, owner: Person | None = None
) -> ActionPlan:
    """Open the plan of a recommendation just signed off, and start its 10-working-day clock.

    Moves the recommendation from "signed off" to "action planning". ``owner``
    is who is chased for the plan (the business manager who put it to the
    partners); without one, the business managers are. Runs inside the
    sign-off's transaction (``sign_off_settled``), so the plan exists exactly
    when the sign-off does.
    """
    plan, _ = ActionPlan.objects.get_or_create(partnership=partnership, recommendation=recommendation)
    signed_off_on = timezone.localdate(recommendation.signed_off_at or timezone.now())
    due_on = working_day_calendar(partnership=partnership).add_working_days(signed_off_on, ACTION_PLAN_WORKING_DAYS)
    deadline_set(
        partnership=partnership,
        subject=plan,
        kind=DEADLINE_ACTION_PLAN,
        title=f"Action plan for {recommendation.reference}",
        due_on=due_on,
        assignee=owner,
    )
    state_move(
        partnership=partnership,
        actor=actor,
        instance=recommendation,
        to=Recommendation.State.ACTION_PLANNING,
        reason="Signed off: the action plan is due within 10 working days.",
    )
    return plan
