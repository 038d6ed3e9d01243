"""Shared makers of the learning hub sessions' tests."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from learninghub.models import SessionKind
from learninghub.services.sessions import hub_session_create
from tests.learninghub.helpers import cycle_make

LONDON = ZoneInfo("Europe/London")
# Month 1's meeting: Thursday 4 February 2027, 10:00 to 12:30 London time (GMT, UTC+0).
STARTS = datetime(2027, 2, 4, 10, 0, tzinfo=LONDON)
ENDS = datetime(2027, 2, 4, 12, 30, tzinfo=LONDON)


def session_make(world, *, cycle=None, kind=SessionKind.MONTH_1, starts_at=STARTS, ends_at=ENDS, **fields):
    cycle = cycle or cycle_make(world)
    fields.setdefault("place", "Council offices, room 2")
    fields.setdefault("agenda", "1. Welcome\n2. The priority's data")
    return hub_session_create(
        partnership=world.partnership,
        actor=world.bm,
        cycle=cycle,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        **fields,
    )
