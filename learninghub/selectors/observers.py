"""Reads of a hub cycle's observers: the host's list, and what an observer sees.

The host's reads name the host partnership. An observer's reads start from the kernel's grants in force for
the signed-in person (``partnership.selectors.access.access_grants_in_force_for``), checked in the same query,
so a revoked or lapsed grant is a 404 at the very next request: nothing is cached between requests. What an
observer is shown of the cycle leaves out the people behind it: named owners, who ticked a task and the
history stay with the host.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from learninghub.models import HubCycle, HubObserver, HubPhase, HubTask
from partnership.models import AccessGrant, Collaboration, Partnership, Person, Role
from partnership.selectors.access import access_grant_standing, access_grants_in_force_for
from partnership.sharing import grant_in_force_q

# What of a cycle crosses to an observer as the grant's fields (also registered as shareable in ``apps.py``).
OBSERVED_CYCLE_FIELDS = {"title": "Title", "priority": "Priority", "starts_on": "Starts", "state": "Stage"}


# --- The host -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ObserverRow:
    observer: HubObserver
    grant: AccessGrant
    in_force: bool
    view_count: int


def hub_observers(*, partnership: Partnership, cycle: HubCycle, today: date | None = None) -> list[ObserverRow]:
    """The cycle's observers, newest first, each with whether it is in force and how often they looked.

    Two queries, one when no one observes (most cycles): the observers with their grants, then per grant its
    views counted and whether it is in force. Counting in the first query grouped by every joined column, which
    cost more to build than to run.
    """
    observers = list(
        HubObserver.objects.in_partnership(partnership)
        .filter(cycle=cycle)
        .select_related("grant__grantee", "grant__grantee_partnership", "grant__collaboration", "grant__revoked_by")
        .order_by("-created_at", "-id")
    )
    if not observers:
        return []
    standing = access_grant_standing(partnership=partnership, grant_ids=[o.grant_id for o in observers], today=today)
    return [
        ObserverRow(observer=o, grant=o.grant, in_force=standing[o.grant_id][1], view_count=standing[o.grant_id][0])
        for o in observers
    ]


def hub_observer_get(*, partnership: Partnership, cycle: HubCycle, observer_id: int) -> HubObserver:
    observer = (
        HubObserver.objects.in_partnership(partnership)
        .filter(cycle=cycle, pk=observer_id)
        .select_related("grant__grantee", "grant__grantee_partnership", "grant__collaboration", "grant__revoked_by")
        .first()
    )
    if observer is None:
        raise Http404("No such observer.")
    return observer


def hub_observer_in_force_for_email(*, partnership: Partnership, cycle: HubCycle, email: str) -> bool:
    return (
        AccessGrant.objects.in_partnership(partnership)
        .filter(grant_in_force_q(), hub_observer__cycle=cycle, grantee__email__iexact=email)
        .exists()
    )


def observer_collaboration_choices(*, partnership: Partnership) -> list[Collaboration]:
    """The collaborations this partnership belongs to: observers come from their other partnerships."""
    return list(Collaboration.objects.filter(partnerships=partnership).order_by("name"))


# --- The observer ---------------------------------------------------------------------------------


def hub_observations_for(*, person: Person) -> QuerySet[AccessGrant]:
    """The cycles the person observes now, as their grants in force (with the cycle and host): one query."""
    return (
        access_grants_in_force_for(person=person)
        .filter(hub_observer__isnull=False)
        .select_related("hub_observer__cycle__priority")
    )


@dataclass(frozen=True)
class ObservedField:
    label: str
    value: str


@dataclass
class ObservedPhase:
    phase: HubPhase
    tasks: list[HubTask]
    is_current: bool
    is_past: bool


@dataclass
class ObservedCyclePage:
    """One cycle as an observer sees it: the granted summary, phases and checklist, no one's name."""

    grant: AccessGrant
    cycle: HubCycle
    summary: list[ObservedField]
    phases: list[ObservedPhase]
    current: HubPhase | None
    next_phase: HubPhase | None
    late: list[HubTask]
    not_started: bool


def observer_owner_label(task: HubTask) -> str:
    """Who owns a task, without naming the host's people: the role, or 'A hub member'."""
    if task.owner_role:
        label = Role(task.owner_role).label
        return f"Any {label[:1].lower()}{label[1:]}"
    return "A hub member"


def hub_observed_cycle_page(*, person: Person, observation_id: int, today: date | None = None) -> ObservedCyclePage:
    """The cycle of one of the person's observations in force, in three queries; 404 for any other id.

    Rows are read from the host only after the grant has been found in force for this person, and only the
    cycle the grant names.
    """
    today = today or timezone.localdate()
    grant = hub_observations_for(person=person).filter(hub_observer__pk=observation_id).first()
    if grant is None:
        raise Http404("No such cycle.")
    cycle = grant.hub_observer.cycle
    host = grant.partnership
    phases = list(HubPhase.objects.in_partnership(host).filter(cycle=cycle).order_by("position"))
    # No owner or ticker is loaded: an observer is not shown the host's people.
    tasks = list(
        HubTask.objects.in_partnership(host)
        .filter(cycle=cycle)
        .only("pk", "phase_id", "text", "owner_role", "due_on", "done_at", "position")
        .order_by("position", "id")
    )
    by_phase: dict[int, list[HubTask]] = {p.pk: [] for p in phases}
    for task in tasks:
        task.owner_label = observer_owner_label(task)
        by_phase[task.phase_id].append(task)
    current = next((p for p in phases if p.starts_on <= today <= p.ends_on), None)
    next_phase = next((p for p in phases if p.starts_on > today), None)
    summary = [
        ObservedField(label=OBSERVED_CYCLE_FIELDS[f], value=_display(cycle, f))
        for f in grant.fields
        if f in OBSERVED_CYCLE_FIELDS
    ]
    return ObservedCyclePage(
        grant=grant,
        cycle=cycle,
        summary=summary,
        phases=[
            ObservedPhase(phase=p, tasks=by_phase[p.pk], is_current=p is current, is_past=p.ends_on < today)
            for p in phases
        ],
        current=current,
        next_phase=next_phase,
        late=sorted(
            (t for t in tasks if t.done_at is None and t.due_on < today), key=lambda t: (t.due_on, t.position, t.pk)
        ),
        not_started=bool(phases) and today < phases[0].starts_on,
    )


def _display(cycle: HubCycle, field: str) -> str:
    if field == "priority":
        return cycle.priority.title
    if field == "state":
        return cycle.get_state_display()
    if field == "starts_on":
        return f"{cycle.starts_on:%-d %B %Y}"
    return str(getattr(cycle, field))
