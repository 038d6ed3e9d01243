"""Shared makers of the learning hub's tests."""

from __future__ import annotations

from datetime import date

from learninghub.services.cycles import hub_cycle_create
from partnership.models import StatutoryPartner
from partnership.services.priorities import priority_create

# A Monday before Christmas: the first phase runs over Christmas, Boxing Day (substitute) and New Year's Day.
START = date(2026, 12, 21)


def priority_make(world, *, title="Missing children and exploitation", lead_partner=StatutoryPartner.POLICE):
    return priority_create(
        partnership=world.partnership,
        actor=world.bm,
        title=title,
        start_year=2026,
        end_year=2027,
        lead_partner=lead_partner,
        success_measures="Fewer repeat missing episodes",
    )


def cycle_make(world, *, starts_on=START, has_pre_meet=True, priority=None, title="Priority 1: missing children"):
    priority = priority or priority_make(world)
    return hub_cycle_create(
        partnership=world.partnership,
        actor=world.bm,
        title=title,
        priority_id=priority.pk,
        starts_on=starts_on,
        has_pre_meet=has_pre_meet,
    )
