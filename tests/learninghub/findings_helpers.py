"""Makers for the tests of a cycle's findings: a cycle in a given phase today, learning themes."""

from __future__ import annotations

from django.utils import timezone

from learninghub.models import HubPhase, PhaseKind
from learninghub.services.cycles import hub_schedule
from partnership.models import LearningTheme
from partnership.selectors import working_day_calendar
from partnership.services.learning_themes import learning_themes_seed
from tests.learninghub.helpers import cycle_make


def cycle_in(world, kind: str = PhaseKind.FINDINGS, **kwargs):
    """A cycle whose phase ``kind`` started two working days ago, so today falls in it."""
    calendar = working_day_calendar(partnership=world.partnership)
    today = timezone.localdate()
    reference = calendar.add_working_days(today, 1)
    schedule = hub_schedule(calendar=calendar, starts_on=reference, has_pre_meet=True)
    phase_start = next(p.starts_on for p in schedule if p.template.kind == kind)
    offset = calendar.working_days_between(reference, phase_start)
    target = calendar.subtract_working_days(today, 2)
    cycle = cycle_make(world, starts_on=calendar.subtract_working_days(target, offset), **kwargs)
    phase = HubPhase.objects.get(cycle=cycle, kind=kind)
    assert phase.starts_on <= today <= phase.ends_on, (phase.starts_on, today, phase.ends_on)
    return cycle


def themes(world) -> list[LearningTheme]:
    learning_themes_seed(partnership=world.partnership)
    return list(LearningTheme.objects.filter(partnership=world.partnership).order_by("name"))
