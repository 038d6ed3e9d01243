"""Reads of action plans, actions and their progress: what a member may see, with a fixed number of queries.

Visibility is ``partnership.selectors.recommendation_access``'s: the plan page
shows only the actions ``action_visible_q`` admits, and an action the member may
not see is ``Http404``, exactly like a missing one or another partnership's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from partnership.models import Deadline, Membership, Partnership, StatutoryPartner
from partnership.models.recommendations import Action, ActionPlan, ActionUpdate, Rag, Recommendation, StoredFile
from partnership.selectors.deadlines import working_day_calendars
from partnership.selectors.recommendation_access import (
    action_plan_editable_by,
    action_updatable_by,
    action_visible_q,
    recommendation_closable_by,
    recommendations_readable_by,
)

DEADLINE_ACTION_PLAN = "action_plan.due"  # the services' name for the plan's deadline (services sit above)

State = Recommendation.State


def recommendation_for_plan_get(*, partnership: Partnership, membership: Membership, recommendation_id: int):
    """The recommendation (its plan loaded, or None) whose plan the member may read; ``Http404`` otherwise."""
    if not recommendations_readable_by(membership):
        raise Http404("No such recommendation.")
    recommendation = (
        Recommendation.objects.in_partnership(partnership)
        .select_related("action_plan", "action_plan__agreed_by")
        .filter(pk=recommendation_id)
        .first()
    )
    if recommendation is None:
        raise Http404("No such recommendation.")
    recommendation.partnership = partnership
    return recommendation


def plan_of(recommendation: Recommendation) -> ActionPlan | None:
    try:
        return recommendation.action_plan
    except ActionPlan.DoesNotExist:
        return None


@dataclass
class ActionPlanPage:
    """Everything the plan page (and the API's plan) shows, read in at most four queries."""

    recommendation: Recommendation
    plan: ActionPlan | None
    actions: list[Action]
    deadline: Deadline | None
    working_days_left: int | None
    today: date
    can_edit: bool
    can_close: bool
    # Actions of the plan the member cannot see (an agency lead sees only their agency's).
    actions_not_shown: int = 0
    open_actions: list[Action] = field(default_factory=list)

    @property
    def plan_overdue(self) -> bool:
        return (
            self.deadline is not None
            and self.deadline.state == Deadline.State.OPEN
            and self.deadline.due_on < self.today
        )

    @property
    def working_days_overdue(self) -> int:
        return max(0, -(self.working_days_left or 0))

    @property
    def state(self) -> str:
        return self.recommendation.state

    @property
    def can_shape(self) -> bool:
        """Add, change, order and remove actions."""
        return self.can_edit and self.plan is not None and self.state in (State.ACTION_PLANNING, State.IN_PROGRESS)

    @property
    def can_agree(self) -> bool:
        return self.can_edit and self.plan is not None and self.state == State.ACTION_PLANNING

    @property
    def can_complete(self) -> bool:
        return self.can_edit and self.state == State.IN_PROGRESS

    @property
    def can_reopen(self) -> bool:
        return self.can_edit and self.state == State.COMPLETED

    @property
    def can_close_completed(self) -> bool:
        return self.can_close and self.state == State.COMPLETED


def action_plan_page(
    *, partnership: Partnership, membership: Membership, recommendation: Recommendation, today: date | None = None
) -> ActionPlanPage:
    """The plan of ``recommendation`` (read by ``recommendation_for_plan_get``) as this member may see it.

    Three queries: the plan's deadline, its visible actions (lead agency and
    person, number of updates), how many actions are hidden; plus one for the
    calendar while the plan's deadline is open.
    """
    today = today or timezone.localdate()
    plan = plan_of(recommendation)
    actions: list[Action] = []
    deadline = None
    days_left = None
    hidden = 0
    if plan is not None:
        plan.recommendation = recommendation
        deadline = (
            Deadline.objects.in_partnership(partnership)
            .filter(
                subject_type=ContentType.objects.get_for_model(ActionPlan),
                subject_id=plan.pk,
                kind=DEADLINE_ACTION_PLAN,
            )
            .order_by("-due_on", "-id")
            .first()
        )
        counts = (
            Action.objects.in_partnership(partnership)
            .filter(plan=plan)
            .aggregate(
                total=Count("id"), visible=Count("id", filter=action_visible_q(membership) or Q(pk__isnull=False))
            )
        )
        actions = list(
            Action.objects.in_partnership(partnership)
            .filter(action_visible_q(membership), plan=plan)
            .select_related("lead_agency", "lead_person")
            .annotate(update_count=Count("updates"))
            .order_by("position", "id")
        )
        for action in actions:
            action.plan = plan
        hidden = counts["total"] - counts["visible"]
        if deadline is not None and deadline.state == Deadline.State.OPEN:
            calendar = working_day_calendars(
                partnership_ids=[partnership.pk], nations={partnership.pk: partnership.nation}
            )[partnership.pk]
            days_left = calendar.working_days_between(today, deadline.due_on)
    return ActionPlanPage(
        recommendation=recommendation,
        plan=plan,
        actions=actions,
        deadline=deadline,
        working_days_left=days_left,
        today=today,
        can_edit=action_plan_editable_by(recommendation, membership),
        can_close=recommendation_closable_by(recommendation, membership),
        actions_not_shown=hidden,
        open_actions=[a for a in actions if a.completed_at is None],
    )


def _actions(partnership: Partnership) -> QuerySet[Action]:
    return Action.objects.in_partnership(partnership).select_related(
        "plan__recommendation", "lead_agency", "lead_person"
    )


def action_get(*, partnership: Partnership, membership: Membership, action_id: int) -> Action:
    """One action the member may see, its plan, recommendation, agency and lead loaded; ``Http404`` otherwise."""
    action = _actions(partnership).filter(action_visible_q(membership), pk=action_id).first()
    if action is None:
        raise Http404("No such action.")
    action.partnership = partnership
    action.plan.recommendation.partnership = partnership
    action.can_update = action_updatable_by(action, membership)
    action.can_edit = action_plan_editable_by(action.plan.recommendation, membership)
    # Progress is recorded while the action is open and its plan is being made or delivered.
    action.can_record = (
        action.can_update
        and action.completed_at is None
        and action.plan.recommendation.state in (State.ACTION_PLANNING, State.IN_PROGRESS)
    )
    return action


def actions_visible(
    *,
    partnership: Partnership,
    membership: Membership,
    recommendation_id: int | None = None,
    rag: str | None = None,
    agency_id: int | None = None,
    lead_partner: str | None = None,
    overdue_on: date | None = None,
) -> QuerySet[Action]:
    """The actions the member may see, filtered (``lead_partner``: the statutory partner leading the action's
    recommendation); their plan's recommendation, agency and lead loaded."""
    actions = _actions(partnership).filter(action_visible_q(membership))
    if recommendation_id is not None:
        actions = actions.filter(plan__recommendation_id=recommendation_id)
    if rag:
        actions = actions.filter(rag=rag)
    if agency_id is not None:
        actions = actions.filter(lead_agency_id=agency_id)
    if lead_partner:
        actions = actions.filter(plan__recommendation__lead_partner=lead_partner)
    if overdue_on is not None:
        actions = actions.filter(completed_at__isnull=True, due_on__lt=overdue_on)
    return actions.order_by("due_on", "plan_id", "position", "id")


def overdue_actions_by_agency(
    *, partnership: Partnership, membership: Membership | None, today: date
) -> list[tuple[int, str, int]]:
    """(agency id, agency name, open actions past their due date) for every lead agency with one, most first.

    The actions counted are ``actions_visible(..., overdue_on=today)``'s, so each count is exactly the list its
    figure links to. ``membership=None`` counts every action of the partnership: a scrutiny report, read by the
    oversight roles who see them all. One grouped query.
    """
    visible = action_visible_q(membership) if membership is not None else Q()
    rows = (
        _actions(partnership)
        .filter(visible, completed_at__isnull=True, due_on__lt=today)
        .order_by()
        .values_list("lead_agency_id", "lead_agency__name")
        .annotate(n=Count("id"))
    )
    return sorted(((agency_id, name, n) for agency_id, name, n in rows), key=lambda row: (-row[2], row[1]))


def overdue_actions_by_partner(
    *, partnership: Partnership, membership: Membership | None, today: date, agency_id: int | None = None
) -> list[tuple[str, int]]:
    """(statutory partner, open actions past their due date) for every partner leading a recommendation with one,
    in the partners' order: the actions ``overdue_actions_by_agency`` counts (the same visibility), grouped by the
    partner who leads their recommendation; only those led by ``agency_id`` when given. Each count is exactly
    ``actions_visible(..., agency_id=agency_id, lead_partner=partner, overdue_on=today)``. One grouped query."""
    visible = action_visible_q(membership) if membership is not None else Q()
    rows = (
        Action.objects.in_partnership(partnership)
        .filter(visible, completed_at__isnull=True, due_on__lt=today)
        .filter(**({"lead_agency_id": agency_id} if agency_id is not None else {}))
        .order_by()
        .values_list("plan__recommendation__lead_partner")
        .annotate(n=Count("id"))
    )
    counts = dict(rows)
    return [(partner, counts[partner]) for partner in StatutoryPartner.values if counts.get(partner)]


def action_updates(*, partnership: Partnership, action: Action) -> list[ActionUpdate]:
    """The action's progress, newest first, each with its ``evidence`` (files, contents not loaded). Two queries."""
    updates = list(
        ActionUpdate.objects.in_partnership(partnership)
        .filter(action=action)
        .select_related("author")
        .order_by("-on", "-id")
    )
    files: dict[int, list[StoredFile]] = defaultdict(list)
    if updates:
        for stored in (
            StoredFile.objects.in_partnership(partnership)
            .filter(owner_type=ContentType.objects.get_for_model(ActionUpdate), owner_id__in=[u.pk for u in updates])
            .defer("data")
            .order_by("uploaded_at", "id")
        ):
            files[stored.owner_id].append(stored)
    for update in updates:
        update.evidence = files[update.pk]
    return updates


def action_evidence_get(
    *, partnership: Partnership, membership: Membership, action_id: int, file_id: int
) -> StoredFile:
    """An evidence file of an action the member may see (its contents loaded, to send); ``Http404`` otherwise."""
    action = action_get(partnership=partnership, membership=membership, action_id=action_id)
    update_ids = ActionUpdate.objects.in_partnership(partnership).filter(action=action).values("pk")
    stored = (
        StoredFile.objects.in_partnership(partnership)
        .filter(pk=file_id, owner_type=ContentType.objects.get_for_model(ActionUpdate), owner_id__in=update_ids)
        .first()
    )
    if stored is None:
        raise Http404("No such file.")
    return stored


def plan_action_order(*, partnership: Partnership, plan_id: int) -> list[int]:
    """The ids of a plan's actions in their order (every one: only those who see them all reorder them)."""
    return list(
        Action.objects.in_partnership(partnership)
        .filter(plan_id=plan_id)
        .order_by("position", "id")
        .values_list("pk", flat=True)
    )


def lead_person_choices(*, partnership: Partnership) -> list[tuple[int, str]]:
    """The partnership's active members who may lead an action, by name, as (person id, label). One query."""
    rows = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, person__is_active=True)
        .select_related("person", "agency")
        .order_by("person__full_name", "person__email")
    )
    return [(m.person_id, f"{m.person.full_name or m.person.email} ({m.agency.name})") for m in rows]


def rag_counts(actions: list[Action]) -> dict[str, int]:
    """How many of these actions are at each RAG status (for a plan's summary line)."""
    counts = dict.fromkeys(Rag.values, 0)
    for action in actions:
        counts[action.rag] += 1
    return counts


# --- "My tasks": an agency lead's open actions -------------------------------------------------------------

# How far ahead an agency lead's "my tasks" lists their agency's open actions (overdue ones always).
AGENCY_ACTIONS_AHEAD_DAYS = 30


def _agency_action_tasks(query) -> list:
    """An agency lead's agency's open actions due within 30 days or overdue, on their "my tasks". One query.

    The actions they lead themselves are theirs already through the deadline source (they are the
    assignee), so they are left out here rather than listed twice.
    """
    from partnership.models import Role
    from partnership.selectors.tasks import Task

    membership = query.membership
    if Role.AGENCY_LEAD not in query.roles or not membership.agency_id:
        return []
    actions = (
        Action.objects.in_partnership(query.partnership)
        .filter(
            lead_agency_id=membership.agency_id,
            completed_at__isnull=True,
            due_on__lte=query.today + timedelta(days=AGENCY_ACTIONS_AHEAD_DAYS),
            plan__recommendation__state__in=(State.ACTION_PLANNING, State.IN_PROGRESS),
        )
        .exclude(lead_person_id=query.person.pk)
        .select_related("plan__recommendation", "lead_person")
        .order_by("due_on", "id")
    )
    tasks = []
    for action in actions:
        action.partnership = query.partnership
        lead = action.lead_person
        tasks.append(
            Task(
                source="agency_action",
                kind_label="Your agency's action",
                title=f"Action {action.position} for {action.plan.recommendation.reference}: {action.what[:120]}",
                url=reverse(
                    "partnership:action_detail", kwargs={"slug": query.partnership.slug, "action_id": action.pk}
                ),
                today=query.today,
                due_on=action.due_on,
                working_days_left=query.working_days_left(action.due_on),
                assigned_to_you=False,
                assignee_label=(lead.full_name or lead.email) if lead else "",
            )
        )
    return tasks


def _register_task_source() -> None:
    from partnership.selectors.tasks import task_source_register

    task_source_register("agency_actions", _agency_action_tasks)


_register_task_source()
