"""Reads of learning hub cycles: the list, one cycle's page (where it is, what is late, what comes next), and who
may tick a task.

Every read names its partnership; another partnership's id is as missing (``Http404``). A cycle's page reads a
fixed number of queries whatever the length of its checklist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from learninghub.models import HubCycle, HubPhase, HubTask, PhaseKind
from partnership.models import MANAGER_ROLES, Membership, Partnership, Role
from partnership.models.priorities import Priority
from partnership.selectors import history_rows_merged

# Every member reads the hub's cycles (the hub is practitioner-led and its members own tasks); the business
# managers, who run the hub, set cycles up and move their phases.
CYCLE_MANAGE_ROLES = MANAGER_ROLES
CycleState = HubCycle.State
PHASE_LABELS = dict(PhaseKind.choices)


def hub_cycle_list(*, partnership: Partnership, today: date | None = None) -> QuerySet[HubCycle]:
    """The cycles, newest start first, each with its priority and counts of tasks (all, done, late)."""
    today = today or timezone.localdate()
    return (
        HubCycle.objects.in_partnership(partnership)
        .select_related("priority")
        .annotate(
            tasks_total=Count("tasks"),
            tasks_done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
            tasks_late=Count("tasks", filter=Q(tasks__done_at__isnull=True, tasks__due_on__lt=today)),
        )
        .order_by("-starts_on", "-id")
    )


def hub_cycle_get(*, partnership: Partnership, cycle_id: int) -> HubCycle:
    cycle = HubCycle.objects.in_partnership(partnership).filter(pk=cycle_id).select_related("priority").first()
    if cycle is None:
        raise Http404("No such learning hub cycle.")
    return cycle


def hub_cycle_with_phases_get(*, partnership: Partnership, cycle_id: int) -> tuple[HubCycle, list[HubPhase]]:
    """The cycle (with its priority) and its phases in order, in one query: read through the phases, the cycle
    joined on, for the pages that show both (the findings page and its API, whose queries are counted). A cycle is
    set up with its phases; one without would be read alone (a second query), or missing (``Http404``)."""
    phases = list(
        HubPhase.objects.in_partnership(partnership)
        .filter(cycle_id=cycle_id, cycle__partnership=partnership)
        .select_related("cycle__priority")
        .order_by("position")
    )
    if not phases:
        return hub_cycle_get(partnership=partnership, cycle_id=cycle_id), []
    cycle = phases[0].cycle
    for phase in phases:
        phase.cycle = cycle  # one cycle object for all of them, as a prefetch would give
    return cycle, phases


def hub_phases(*, partnership: Partnership, cycle: HubCycle) -> list[HubPhase]:
    return list(HubPhase.objects.in_partnership(partnership).filter(cycle=cycle).order_by("position"))


def hub_phase_get(*, partnership: Partnership, cycle: HubCycle, phase_id: int) -> HubPhase:
    phase = HubPhase.objects.in_partnership(partnership).filter(cycle=cycle, pk=phase_id).first()
    if phase is None:
        raise Http404("No such phase.")
    return phase


def hub_tasks(*, partnership: Partnership, cycle: HubCycle) -> list[HubTask]:
    return list(
        HubTask.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("owner_member__person", "done_by")
        .order_by("position", "id")
    )


def hub_task_get(*, partnership: Partnership, task_id: int) -> HubTask:
    task = (
        HubTask.objects.in_partnership(partnership)
        .filter(pk=task_id)
        .select_related("cycle", "phase", "owner_member__person")
        .first()
    )
    if task is None:
        raise Http404("No such task.")
    return task


def hub_task_can_tick(*, membership: Membership, task: HubTask) -> bool:
    """Its owner (the member named, or anyone holding the role named) or a business manager ticks a task."""
    if membership.has_role(*MANAGER_ROLES):
        return True
    if task.owner_member_id is not None:
        return task.owner_member_id == membership.pk
    return membership.has_role(task.owner_role)


def priority_choices(*, partnership: Partnership) -> list[Priority]:
    """The current priorities a new cycle can work."""
    return list(Priority.objects.in_partnership(partnership).filter(is_active=True).order_by("position", "title"))


def owner_member_choices(*, partnership: Partnership) -> list[Membership]:
    return list(
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True)
        .select_related("person")
        .order_by("person__full_name", "pk")
    )


def owner_label(task: HubTask) -> str:
    if task.owner_member_id is not None:
        person = task.owner_member.person
        return person.full_name or person.email
    if not task.owner_role:
        return ""
    label = Role(task.owner_role).label
    return f"Any {label[:1].lower()}{label[1:]}"


@dataclass
class PhaseView:
    phase: HubPhase
    tasks: list[HubTask]
    is_current: bool = False
    is_past: bool = False


@dataclass
class CyclePage:
    """What a cycle's page shows: its phases with their tasks, where it is, what is late and what comes next."""

    cycle: HubCycle
    phases: list[PhaseView]
    current: HubPhase | None
    next_phase: HubPhase | None
    late: list[HubTask]
    coming: list[HubTask]
    not_started: bool = False
    tickable: set[int] = field(default_factory=set)
    history: list = field(default_factory=list)


COMING_COUNT = 5


def hub_cycle_page(
    *, partnership: Partnership, cycle: HubCycle, membership: Membership, today: date | None = None
) -> CyclePage:
    """The cycle's page in three queries (phases, tasks with owners, history), whatever its length.

    The current phase is the one today falls in; between phases (waiting for the impact review) there is none
    and the next one is shown. Late: not done and due before today. Coming: the next few open tasks not late.
    """
    today = today or timezone.localdate()
    phases = hub_phases(partnership=partnership, cycle=cycle)
    tasks = hub_tasks(partnership=partnership, cycle=cycle)
    by_phase: dict[int, list[HubTask]] = {p.pk: [] for p in phases}
    for task in tasks:
        task.owner_label = owner_label(task)
        by_phase[task.phase_id].append(task)
    current = next((p for p in phases if p.starts_on <= today <= p.ends_on), None)
    next_phase = next((p for p in phases if p.starts_on > today), None)
    views = [
        PhaseView(phase=p, tasks=by_phase[p.pk], is_current=p is current, is_past=p.ends_on < today) for p in phases
    ]
    open_tasks = sorted((t for t in tasks if t.done_at is None), key=lambda t: (t.due_on, t.position, t.pk))
    return CyclePage(
        cycle=cycle,
        phases=views,
        current=current,
        next_phase=next_phase,
        late=[t for t in open_tasks if t.due_on < today],
        coming=[t for t in open_tasks if t.due_on >= today][:COMING_COUNT],
        not_started=bool(phases) and today < phases[0].starts_on,
        tickable={t.pk for t in tasks if hub_task_can_tick(membership=membership, task=t)},
        history=history_rows_merged(partnership=partnership, objects=[cycle, *tasks], limit=50),
    )


@dataclass(frozen=True)
class CycleProgress:
    """One cycle's progress for the scrutiny dashboard: its phase today and its checklist done out of total."""

    cycle_id: int
    title: str
    state: str
    starts_on: date
    phase: str  # the current phase's kind; empty between phases, before the first or after the last
    tasks_done: int
    tasks_total: int


def hub_cycle_progress(
    *, partnership: Partnership, today: date, start: date | None = None, end: date | None = None
) -> list[CycleProgress]:
    """The cycles running at some time between ``start`` and ``end`` (any when ``None``): started by ``end`` and
    with a phase ending on or after ``start``; oldest start first. One query: the phases are subqueries, the tasks
    counted in the same pass."""
    phases = HubPhase.objects.in_partnership(partnership).filter(cycle=OuterRef("pk"))
    cycles = HubCycle.objects.in_partnership(partnership)
    if end is not None:
        cycles = cycles.filter(starts_on__lte=end)
    if start is not None:
        cycles = cycles.filter(Exists(phases.filter(ends_on__gte=start)))
    rows = (
        cycles.annotate(
            phase_now=Subquery(
                phases.filter(starts_on__lte=today, ends_on__gte=today).order_by("position").values("kind")[:1]
            ),
            done=Count("tasks", filter=Q(tasks__done_at__isnull=False)),
            total=Count("tasks"),
        )
        .order_by("starts_on", "pk")
        .values_list("pk", "title", "state", "starts_on", "phase_now", "done", "total")
    )
    return [
        CycleProgress(
            cycle_id=pk,
            title=title,
            state=state,
            starts_on=starts_on,
            phase=phase or "",
            tasks_done=done,
            tasks_total=total,
        )
        for pk, title, state, starts_on, phase, done, total in rows
    ]
