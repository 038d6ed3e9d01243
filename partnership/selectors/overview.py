"""The overview page: each role's start. What is overdue, due this week, waiting for me, and recent changes.

The person's own work comes from ``partnership.selectors.tasks.my_tasks``. The
partnership-wide figures come from *overview sources*: each workflow registers
one (``overview_source_register``, from its ``AppConfig.ready``) that returns a
section of figures for the roles that may see them, or ``None``. Each figure is
a count with a link to the list of what it counts, so the page never states a
number the person cannot check. A source runs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from partnership.figures_cache import figures_cached
from partnership.models import Membership


@dataclass(frozen=True)
class Figure:
    label: str
    count: int
    # The list of what is counted (a filtered list page); empty when the role has no such list.
    url: str = ""
    # Something needs doing about it (drawn as a warning when the count is not zero).
    warning: bool = False


@dataclass(frozen=True)
class RecentChange:
    at: datetime
    text: str
    url: str = ""


@dataclass(frozen=True)
class OverviewSection:
    title: str
    figures: list[Figure] = field(default_factory=list)
    recent: list[RecentChange] = field(default_factory=list)
    # One sentence on what the section is, for roles that only read.
    note: str = ""


OverviewSource = Callable[[Membership, date], "OverviewSection | None"]
_SOURCES: dict[str, OverviewSource] = {}


def overview_source_register(name: str, source: OverviewSource) -> None:
    _SOURCES[name] = source


def overview_sections(*, membership: Membership, today: date) -> list[OverviewSection]:
    """The sections this member may see, in registration order (``membership`` has its roles loaded).

    Kept in the figures cache until a record of the partnership changes (``partnership.figures_cache``): the
    overview is the page people open most and its figures change far less often. Kept per member, role set and
    day: a source may narrow its figures by the member (the learning reviews they contribute to) and dates them
    by ``today``.
    """
    return figures_cached(
        partnership_id=membership.partnership_id,
        parts=("overview", membership.pk, tuple(sorted(membership.role_set)), today.isoformat()),
        compute=lambda: [section for source in _SOURCES.values() if (section := source(membership, today)) is not None],
    )


def end_of_week(today: date) -> date:
    """The Sunday ending the week of ``today``: "due this week" is up to and including it."""
    return today + timedelta(days=6 - today.weekday())
