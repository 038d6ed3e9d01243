"""Demo data for the learning hub: one cycle in each phase, across the Ashby and Wessex demo partnerships.

``partnership.demo.demo_seed`` makes the partnerships and people, ``audits.demo`` the priorities (this adds them
when it has not run). Each cycle's start date is worked out backwards on the partnership's own calendar so that
today falls inside the phase it shows: a business manager opening the learning hub sees a cycle in preparation,
one auditing, one waiting for the board, one whose impact review is due, and so on. The checklists of the phases
already behind a cycle are ticked, except one task of the phase just gone, so that "what is late" has something
to say; the current phase is half ticked. Everything goes through the services (history, deadlines); no email is
sent while seeding. Idempotent: keyed on each cycle's title.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from learninghub.models import HubCycle, HubTask, PhaseKind
from learninghub.services.cycles import hub_cycle_create, hub_schedule, hub_task_tick
from partnership.models import Membership, Partnership, Role
from partnership.models.priorities import Priority
from partnership.selectors import working_day_calendar
from partnership.services.priorities import priority_create
from partnership.working_days import WorkingDayCalendar


class DemoPeopleMissingError(LookupError):
    """``demo_seed`` has not made the partnership or its people yet."""


@dataclass
class DemoHubResult:
    created: dict[str, int] = field(default_factory=dict)

    def count(self, what: str, n: int = 1) -> None:
        self.created[what] = self.created.get(what, 0) + n


@dataclass(frozen=True)
class DemoCycle:
    title: str
    priority: str  # a priority's title (made by this module when missing)
    phase: str  # the PhaseKind today falls in
    has_pre_meet: bool = True


EXPLOITATION = "Children missing and at risk of exploitation"
NEGLECT = "Neglect: help that comes early"
_PRIORITIES = {
    EXPLOITATION: {"lead_partner": "police", "description": "Fewer children missing from home, care or school."},
    NEGLECT: {
        "lead_partner": "local_authority",
        "description": "Fewer children re-referred for neglect within a year of early help closing.",
    },
}

# Ten phases, ten cycles: five in each partnership, alternating so that both show early and late phases.
DEMO_HUB_CYCLES: dict[str, tuple[DemoCycle, ...]] = {
    "ashby-scp": (
        DemoCycle("Exploitation learning hub: getting ready", EXPLOITATION, PhaseKind.PREPARATION),
        DemoCycle("Neglect learning hub: scoping the question", NEGLECT, PhaseKind.SCOPING),
        DemoCycle("Exploitation learning hub: hearing from practitioners", EXPLOITATION, PhaseKind.FEEDBACK),
        DemoCycle("Neglect learning hub: with the board", NEGLECT, PhaseKind.BOARD_SIGN_OFF),
        DemoCycle("Exploitation learning hub: the learning event", EXPLOITATION, PhaseKind.LEARNING_EVENT),
    ),
    "wessex-scp": (
        DemoCycle("Neglect learning hub: pre-meet", NEGLECT, PhaseKind.PRE_MEET),
        DemoCycle("Exploitation learning hub: auditing cases", EXPLOITATION, PhaseKind.AUDITING),
        DemoCycle("Neglect learning hub: findings", NEGLECT, PhaseKind.FINDINGS),
        DemoCycle("Exploitation learning hub: the action plan", EXPLOITATION, PhaseKind.ACTION_PLAN),
        DemoCycle("Neglect learning hub: impact review", NEGLECT, PhaseKind.IMPACT_REVIEW, has_pre_meet=False),
    ),
}


def demo_hub_seed(*, today: date | None = None) -> DemoHubResult:
    """Add the demo learning hub cycles to the demo partnerships, once; no email is sent while seeding."""
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        return _seed(today or timezone.localdate())


@transaction.atomic
def _seed(today: date) -> DemoHubResult:
    result = DemoHubResult()
    for slug, cycles in DEMO_HUB_CYCLES.items():
        partnership = Partnership.objects.filter(slug=slug).first()
        if partnership is None:
            raise DemoPeopleMissingError(f"There is no partnership {slug}: run manage.py seed_demo first.")
        manager = _business_manager(partnership)
        calendar = working_day_calendar(partnership=partnership)
        existing = set(HubCycle.objects.in_partnership(partnership).values_list("title", flat=True))
        for spec in cycles:
            if spec.title in existing:
                continue
            priority = _priority(partnership, manager, spec.priority, today, result)
            starts_on = demo_start_for_phase(
                calendar=calendar, today=today, phase=spec.phase, has_pre_meet=spec.has_pre_meet
            )
            cycle = hub_cycle_create(
                partnership=partnership,
                actor=manager.person,
                title=spec.title,
                priority_id=priority.pk,
                starts_on=starts_on,
                has_pre_meet=spec.has_pre_meet,
            )
            result.count("learning hub cycles")
            result.count("checklist tasks ticked", _tick_behind(partnership, manager, cycle, today))
    return result


def _business_manager(partnership: Partnership) -> Membership:
    manager = (
        Membership.objects.in_partnership(partnership)
        .filter(is_active=True, roles__role=Role.BUSINESS_MANAGER)
        .select_related("person")
        .prefetch_related("roles")
        .order_by("pk")
        .first()
    )
    if manager is None:
        raise DemoPeopleMissingError(f"{partnership.slug} has no demo people yet: run manage.py seed_demo first.")
    return manager


def _priority(partnership: Partnership, manager: Membership, title: str, today: date, result: DemoHubResult):
    priority = Priority.objects.in_partnership(partnership).filter(title=title).first()
    if priority is None:
        # A cycle in its impact review started about a year ago: the priority's period covers it.
        priority = priority_create(
            partnership=partnership,
            actor=manager.person,
            title=title,
            start_year=today.year - 1,
            end_year=today.year + 1,
            **_PRIORITIES[title],
        )
        result.count("priorities")
    return priority


def demo_start_for_phase(*, calendar: WorkingDayCalendar, today: date, phase: str, has_pre_meet: bool) -> date:
    """A working day to start a cycle on so that ``today`` falls about a third of the way into ``phase``.

    Works backwards on the calendar (bank holidays and closure days shift every phase), a working day at a time,
    from the latest start that could put today in the phase."""
    starts_on = today
    if not calendar.is_working_day(starts_on):
        starts_on = calendar.add_working_days(starts_on, 1)
    for _ in range(600):  # more than a cycle's length in working days, impact review included
        planned = {
            p.template.kind: p for p in hub_schedule(calendar=calendar, starts_on=starts_on, has_pre_meet=has_pre_meet)
        }
        target = planned[phase]
        length = (target.ends_on - target.starts_on).days
        if target.starts_on + timedelta(days=length // 3) <= today:
            return starts_on
        starts_on = calendar.subtract_working_days(starts_on, 1)
    raise ValueError(f"No start date puts {today} in the phase {phase}.")


def _tick_behind(partnership: Partnership, manager: Membership, cycle: HubCycle, today: date) -> int:
    """Tick the checklists of the phases behind ``cycle`` and half of today's, leaving one task of the phase just
    gone undone (it shows as late). Returns how many were ticked."""
    tasks = list(
        HubTask.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("phase")
        .order_by("phase__position", "position")
    )
    behind = [t for t in tasks if t.phase.ends_on < today]
    current = [t for t in tasks if t.phase.starts_on <= today <= t.phase.ends_on]
    left_late = behind[-1:] if behind else []
    to_tick = [t for t in behind if t not in left_late] + current[: len(current) // 2]
    for task in to_tick:
        hub_task_tick(partnership=partnership, actor=manager.person, membership=manager, task=task, done=True)
    return len(to_tick)
