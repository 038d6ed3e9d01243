"""Ten years of learning hub cycles in the large partnership, through the cycle service.

At scale 1: three cycles a year for ten years (30) in ``bench-000``, each working one of its priorities, made by
``hub_cycle_create`` (a partnership sets up a few cycles a year, so the service's own writes are the realistic
shape: every phase of seed 000's model on the partnership's calendar, about 60 checklist tasks with their
deadlines and history rows). Every cycle before the newest is over: its tasks ticked (bulk, with ``done_at`` and
``done_by`` and the deadlines met), a few left undone and late. The newest started about three months ago and is
in month 3, its past phases ticked but a few tasks; the cycle page is measured on it.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from learninghub.models import HubCycle, HubTask
from learninghub.services.cycles import TASK_DEADLINE, hub_cycle_create
from partnership.models import Deadline, Membership, Partnership, Role
from partnership.models.priorities import Priority
from partnership.selectors import working_day_calendar
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


def hub_ids(partnership: Partnership) -> dict[str, int | None]:
    """The newest cycle: the one in progress whose page is measured."""
    return {
        "hub_cycle_id": HubCycle.objects.filter(partnership=partnership)
        .order_by("-starts_on", "-id")
        .values_list("pk", flat=True)
        .first()
    }
