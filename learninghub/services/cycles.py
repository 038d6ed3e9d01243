"""Learning hub cycles: set up from a start date on the partnership's calendar, phases moved, tasks ticked.

A cycle's phases follow seed 000's model (``learninghub.builtin_templates``), each lasting a number of working
days on the partnership's calendar (its nation's bank holidays and its closure days). Each phase's checklist
becomes tasks due on the phase's last day, each chased by the kernel's deadline engine (kind ``hub_task``),
whose assignee is the task's owner: the member named, or everyone holding the role named (``assignee_role``), so
the task is on their "my tasks".
Moving a phase moves every later phase, and their tasks' due dates and deadlines, by the same number of working
days, and says so. Every change leaves a history row.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from learninghub.builtin_templates import LEAD_PARTNER, MANAGER, PHASES, PhaseTemplate
from learninghub.models import HubCycle, HubPhase, HubTask, PhaseKind
from learninghub.selectors.cycles import hub_task_can_tick, owner_label
from learninghub.services.sessions import hub_session_actions_cancel_for_cycle
from partnership.models import PARTNER_LEAD_ROLES, HistoryEntry, Membership, Partnership, Person, Role
from partnership.models.priorities import Priority
from partnership.selectors import working_day_calendar
from partnership.services.deadlines import (
    DeadlineItem,
    deadline_cancel,
    deadline_meet,
    deadline_reopen,
    deadline_set,
    deadlines_create_many,
)
from partnership.services.history import _version_check, history_record, history_rows, tenant_create, tenant_update
from partnership.services.states import state_move
from partnership.working_days import WorkingDayCalendar

TASK_DEADLINE = "hub_task"
TITLE_MAX_LENGTH = 200


@dataclass(frozen=True)
class PlannedPhase:
    template: PhaseTemplate
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class PhaseShift:
    """A phase that moved: its label and its dates before and after."""

    phase: HubPhase
    old_starts_on: date
    old_ends_on: date

    @property
    def label(self) -> str:
        return self.phase.get_kind_display()


def _not_working(calendar: WorkingDayCalendar, day: date) -> str | None:
    """Why ``day`` is not a working day on the calendar, or None when it is (ValueError outside its years)."""
    if calendar.is_working_day(day):
        return None
    return calendar.non_working_days(day, day)[0][1]


def _shift(calendar: WorkingDayCalendar, day: date, working_days: int) -> date:
    if working_days >= 0:
        return calendar.add_working_days(day, working_days)
    return calendar.subtract_working_days(day, -working_days)


def hub_schedule(*, calendar: WorkingDayCalendar, starts_on: date, has_pre_meet: bool) -> list[PlannedPhase]:
    """The phases' dates from ``starts_on`` (a working day): each starts the working day after the one before
    ends (plus its ``gap_before``) and lasts its working days. ``ValueError`` beyond the calendar's years."""
    planned: list[PlannedPhase] = []
    for template in PHASES:
        if template.optional and not has_pre_meet:
            continue
        start = starts_on if not planned else calendar.add_working_days(planned[-1].ends_on, 1 + template.gap_before)
        planned.append(PlannedPhase(template, start, calendar.add_working_days(start, template.working_days - 1)))
    return planned


def _clean_title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ValidationError({"title": ["Enter a title for the cycle."]})
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError({"title": [f"Use at most {TITLE_MAX_LENGTH} characters."]})
    return title


def _priority(*, partnership: Partnership, priority_id: int | None, current: Priority | None = None) -> Priority:
    found = (
        Priority.objects.in_partnership(partnership).filter(pk=priority_id).first() if priority_id is not None else None
    )
    # A retired priority is not offered for a new cycle; a cycle already working it keeps it.
    if found is None or (not found.is_active and found != current):
        raise ValidationError({"priority_id": ["Choose one of the partnership's current priorities."]})
    return found


def _owner_role(owner: str, priority: Priority) -> str:
    if owner == MANAGER:
        return Role.BUSINESS_MANAGER
    if owner == LEAD_PARTNER:
        lead_roles = {partner: role for role, partner in PARTNER_LEAD_ROLES.items()}
        return lead_roles.get(priority.lead_partner, Role.BUSINESS_MANAGER)
    return Role(owner).value


def _deadline_title(cycle: HubCycle, task: HubTask) -> str:
    return textwrap.shorten(f"{cycle.title}: {task.text}", width=200, placeholder="…")


@transaction.atomic
def hub_cycle_create(
    *,
    partnership: Partnership,
    actor: Person,
    title: str,
    priority_id: int | None,
    starts_on: date | None,
    has_pre_meet: bool = True,
) -> HubCycle:
    """Set up a cycle working one current priority from ``starts_on``, with every phase and its checklist.

    ``starts_on`` must be a working day on the partnership's calendar. Writes the cycle, its phases and tasks
    (bulk), one history row per row, and one deadline per task (``deadlines_create_many``, one call per due
    date: the tasks of a phase are due on its last day). ``ValidationError`` on ``title``, ``priority_id`` and
    ``starts_on``; nothing is written then.
    """
    errors: dict[str, list[str]] = {}
    try:
        title = _clean_title(title)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        priority = _priority(partnership=partnership, priority_id=priority_id)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    calendar = working_day_calendar(partnership=partnership)
    schedule: list[PlannedPhase] = []
    if starts_on is None:
        errors["starts_on"] = ["Enter the date the cycle starts."]
    else:
        try:
            why = _not_working(calendar, starts_on)
            if why:
                errors["starts_on"] = [f"{starts_on:%-d %B %Y} is not a working day ({why}). Choose a working day."]
            else:
                schedule = hub_schedule(calendar=calendar, starts_on=starts_on, has_pre_meet=has_pre_meet)
        except ValueError as exc:
            errors["starts_on"] = [str(exc)]
    if errors:
        raise ValidationError(errors)

    cycle = tenant_create(
        partnership=partnership,
        actor=actor,
        instance=HubCycle(
            partnership=partnership,
            priority=priority,
            title=title,
            starts_on=starts_on,
            has_pre_meet=has_pre_meet,
            created_by=actor,
        ),
    )
    phases = HubPhase.objects.in_partnership(partnership).bulk_create(
        [
            HubPhase(
                partnership=partnership,
                cycle=cycle,
                kind=planned.template.kind,
                position=position,
                starts_on=planned.starts_on,
                ends_on=planned.ends_on,
            )
            for position, planned in enumerate(schedule)
        ]
    )
    tasks: list[HubTask] = []
    for phase, planned in zip(phases, schedule, strict=True):
        for template in planned.template.tasks:
            tasks.append(
                HubTask(
                    partnership=partnership,
                    cycle=cycle,
                    phase=phase,
                    text=template.text,
                    owner_role=_owner_role(template.owner, priority),
                    due_on=phase.ends_on,
                    position=len(tasks),
                )
            )
    tasks = HubTask.objects.in_partnership(partnership).bulk_create(tasks)
    HistoryEntry.objects.in_partnership(partnership).bulk_create(
        [
            *history_rows(partnership=partnership, actor=actor, instances=phases),
            *history_rows(partnership=partnership, actor=actor, instances=tasks),
        ]
    )
    for phase in phases:
        deadlines_create_many(
            partnership=partnership,
            kind=TASK_DEADLINE,
            due_on=phase.ends_on,
            items=[
                DeadlineItem(task, _deadline_title(cycle, task), assignee_role=task.owner_role)
                for task in tasks
                if task.phase_id == phase.pk
            ],
        )
    return cycle


def _active(cycle: HubCycle) -> None:
    if cycle.state != HubCycle.State.ACTIVE:
        raise ValidationError(f"This cycle is {cycle.get_state_display().lower()}: it can no longer change.")


def _locked(partnership: Partnership, cycle: HubCycle) -> HubCycle:
    locked = HubCycle.objects.in_partnership(partnership).select_for_update().filter(pk=cycle.pk).first()
    if locked is None:
        raise ValidationError("No such learning hub cycle in this partnership.")
    return locked


@transaction.atomic
def hub_cycle_update(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    title: str,
    priority_id: int | None,
    expected_updated_at: datetime | None = None,
) -> HubCycle:
    """Change a cycle's title or priority (its dates move through its phases). Refused when stale (``stale``)."""
    locked = _locked(partnership, cycle)
    _version_check(instance=locked, expected_updated_at=expected_updated_at, what="this cycle")
    _active(locked)
    errors: dict[str, list[str]] = {}
    data: dict = {}
    try:
        data["title"] = _clean_title(title)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        data["priority"] = _priority(partnership=partnership, priority_id=priority_id, current=locked.priority)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    tenant_update(partnership=partnership, actor=actor, instance=locked, data=data)
    return locked


def _check_phase_dates(
    *, calendar: WorkingDayCalendar, before: HubPhase | None, starts_on: date | None, ends_on: date | None
) -> None:
    """Working days, in order, starting after the phase ``before`` ends: ``ValidationError`` by field otherwise."""
    errors: dict[str, list[str]] = {}
    for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
        if day is None:
            errors[name] = ["Enter a date."]
            continue
        try:
            why = _not_working(calendar, day)
        except ValueError as exc:
            errors[name] = [str(exc)]
        else:
            if why:
                errors[name] = [f"{day:%-d %B %Y} is not a working day ({why}). Choose a working day."]
    if not errors and ends_on < starts_on:
        errors["ends_on"] = ["The phase must end on or after the day it starts."]
    if not errors and before is not None and starts_on <= before.ends_on:
        errors["starts_on"] = [
            f"Start after {before.get_kind_display().lower()} ends, on {before.ends_on:%-d %B %Y}: move that first."
        ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def hub_phase_move(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    phase: HubPhase,
    starts_on: date | None,
    ends_on: date | None,
) -> list[PhaseShift]:
    """Give ``phase`` new dates (working days, in order, after the phase before it ends) and move every later
    phase by as many working days as its end moved, with their tasks' due dates and deadlines.

    Returns every phase that moved, this one first. ``ValidationError`` on ``starts_on`` and ``ends_on``;
    nothing is written then. The first phase's start is the cycle's start.
    """
    locked = _locked(partnership, cycle)
    _active(locked)
    phases = list(HubPhase.objects.in_partnership(partnership).filter(cycle=locked).order_by("position"))
    index = next((i for i, p in enumerate(phases) if p.pk == phase.pk), None)
    if index is None:
        raise ValidationError("No such phase in this cycle.")
    moved = phases[index]
    calendar = working_day_calendar(partnership=partnership)
    _check_phase_dates(
        calendar=calendar, before=phases[index - 1] if index else None, starts_on=starts_on, ends_on=ends_on
    )

    delta = calendar.working_days_between(moved.ends_on, ends_on)
    shifts = [PhaseShift(moved, moved.starts_on, moved.ends_on)]
    new_dates = {moved.pk: (starts_on, ends_on)}
    try:
        for later in phases[index + 1 :]:
            if delta:
                new_dates[later.pk] = (_shift(calendar, later.starts_on, delta), _shift(calendar, later.ends_on, delta))
                shifts.append(PhaseShift(later, later.starts_on, later.ends_on))
    except ValueError as exc:
        raise ValidationError({"ends_on": [f"The later phases would move out of the calendar: {exc}"]}) from exc
    if (moved.starts_on, moved.ends_on) == (starts_on, ends_on):
        return []

    tasks = list(
        HubTask.objects.in_partnership(partnership)
        .filter(phase_id__in=new_dates)
        .select_related("owner_member__person")
    )
    for shift in shifts:
        phase_row = shift.phase
        phase_row.starts_on, phase_row.ends_on = new_dates[phase_row.pk]
        phase_row.save(update_fields=["starts_on", "ends_on", "updated_at"])
        history_record(
            partnership=partnership,
            actor=actor,
            instance=phase_row,
            action=HistoryEntry.Action.UPDATED,
            changes={
                "starts_on": {"from": shift.old_starts_on.isoformat(), "to": phase_row.starts_on.isoformat()},
                "ends_on": {"from": shift.old_ends_on.isoformat(), "to": phase_row.ends_on.isoformat()},
            },
            reason="" if phase_row.pk == moved.pk else f"Moved with {moved.get_kind_display().lower()}",
        )
    ends = {s.phase.pk: (s.old_ends_on, s.phase.ends_on) for s in shifts}
    for task in tasks:
        old_end, new_end = ends[task.phase_id]
        # A task due on its phase's last day stays so; one due earlier moves as far as the phase's end.
        task.due_on = new_end if task.due_on == old_end else _shift(calendar, task.due_on, delta)
    HubTask.objects.in_partnership(partnership).bulk_update(tasks, ["due_on"])
    for task in tasks:
        deadline_set(
            partnership=partnership,
            subject=task,
            kind=TASK_DEADLINE,
            title=_deadline_title(locked, task),
            due_on=task.due_on,
            assignee=task.owner_member.person if task.owner_member_id else None,
            assignee_role=task.owner_role,
        )
    if index == 0 and locked.starts_on != starts_on:
        tenant_update(partnership=partnership, actor=actor, instance=locked, data={"starts_on": starts_on})
    return shifts


@transaction.atomic
def hub_task_tick(
    *, partnership: Partnership, actor: Person, membership: Membership, task: HubTask, done: bool
) -> HubTask:
    """Tick a task as done (or not done again). Only its owner or a business manager (``PermissionDenied``),
    only while the cycle is in progress. Meets (or reopens) its deadline and records who and when."""
    locked = (
        HubTask.objects.in_partnership(partnership).select_for_update().filter(pk=task.pk).select_related("cycle")
    ).first()
    if locked is None:
        raise ValidationError("No such task in this partnership.")
    if not hub_task_can_tick(membership=membership, task=locked):
        raise PermissionDenied("Only the task's owner or a business manager ticks it.")
    _active(locked.cycle)
    if locked.is_done == done:
        return locked
    locked.done_at = timezone.now() if done else None
    locked.done_by = actor if done else None
    locked.save(update_fields=["done_at", "done_by", "updated_at"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=locked,
        action=HistoryEntry.Action.UPDATED,
        changes={"done": {"from": not done, "to": done}},
    )
    if done:
        deadline_meet(partnership=partnership, subject=locked, kind=TASK_DEADLINE)
    else:
        deadline_reopen(partnership=partnership, subject=locked, kind=TASK_DEADLINE)
    return locked


@transaction.atomic
def hub_task_assign(*, partnership: Partnership, actor: Person, task: HubTask, owner_member_id: int | None) -> HubTask:
    """Give a checklist task to one named active member of the partnership (instead of its role, or of another
    member), only while the cycle is in progress. The task's deadline follows: assigned to that person, so it
    is on their "my tasks" and no longer on the role's holders'; they may tick it. Records the change (from
    and to whom). A member of another partnership, a former member or a missing id is refused alike
    (``ValidationError`` on ``owner_member_id``)."""
    locked = (
        HubTask.objects.in_partnership(partnership)
        .select_for_update(of=("self",))
        .filter(pk=task.pk)
        .select_related("cycle", "owner_member__person")
        .first()
    )
    if locked is None:
        raise ValidationError("No such task in this partnership.")
    _active(locked.cycle)
    member = (
        Membership.objects.in_partnership(partnership)
        .filter(pk=owner_member_id, is_active=True, person__is_active=True)
        .select_related("person")
        .first()
        if owner_member_id is not None
        else None
    )
    if member is None:
        raise ValidationError({"owner_member_id": ["Choose an active member of this partnership."]})
    if locked.owner_member_id == member.pk:
        return locked
    before = owner_label(locked)
    locked.owner_member, locked.owner_role = member, ""
    locked.save(update_fields=["owner_member", "owner_role", "updated_at"])
    history_record(
        partnership=partnership,
        actor=actor,
        instance=locked,
        action=HistoryEntry.Action.UPDATED,
        changes={"owner": {"from": before, "to": owner_label(locked)}},
    )
    deadline_set(
        partnership=partnership,
        subject=locked,
        kind=TASK_DEADLINE,
        title=_deadline_title(locked.cycle, locked),
        due_on=locked.due_on,
        assignee=member.person,
    )
    return locked


@transaction.atomic
def hub_cycle_move(*, partnership: Partnership, actor: Person, cycle: HubCycle, to: str, reason: str = "") -> HubCycle:
    """Close or withdraw a cycle (the kernel's state helper checks the move and records it). Its open tasks'
    deadlines are cancelled: nobody is reminded of work that will not be done."""
    moved = state_move(partnership=partnership, actor=actor, instance=cycle, to=to, reason=reason)
    for task in HubTask.objects.in_partnership(partnership).filter(cycle=moved, done_at__isnull=True):
        deadline_cancel(partnership=partnership, subject=task, kind=TASK_DEADLINE)
    hub_session_actions_cancel_for_cycle(partnership=partnership, cycle=moved)
    return moved


__all__ = [
    "TASK_DEADLINE",
    "PhaseKind",
    "PhaseShift",
    "hub_cycle_create",
    "hub_cycle_move",
    "hub_cycle_update",
    "hub_phase_move",
    "hub_schedule",
    "hub_task_assign",
    "hub_task_tick",
]
