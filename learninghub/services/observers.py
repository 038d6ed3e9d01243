"""Observers of a hub cycle: a person of another partnership invited to watch one cycle, read-only.

The way in is the kernel's cross-partnership grant (``partnership.services.access``), not a new one: a
business manager of the host grants one person of a partnership in a collaboration with it sight of the
cycle, until a date; the grant is checked in force on every read, so revoking it, the person's home membership
ending or either partnership leaving the collaboration ends the observing at the next request. Granting and
revoking are recorded in the cycle's history.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from learninghub.models import HubCycle, HubObserver
from learninghub.selectors.observers import OBSERVED_CYCLE_FIELDS, hub_observer_in_force_for_email
from partnership.models import Collaboration, HistoryEntry, Membership, Partnership, Person
from partnership.services.access import access_grant_create, access_grant_revoke
from partnership.services.history import history_record


@transaction.atomic
def hub_observer_invite(
    *,
    partnership: Partnership,
    actor: Person,
    cycle: HubCycle,
    grantee_email: str,
    collaboration_id: int | None,
    ends_on: date | None,
) -> HubObserver:
    """Let one person of another partnership in a shared collaboration observe ``cycle``, read-only, until ``ends_on``.

    Guarantees: ``actor`` is an active business manager of ``partnership`` and ``cycle`` is its own; the
    collaboration is one this partnership belongs to (any other id is refused like a missing one, on the
    field); the person is an active member of another partnership in it, not of this one (a member here reads
    the hub already) and not already observing the cycle. The grant shows the cycle's page only (its summary,
    phases and checklist, never the people behind it), and is recorded in the cycle's history. Raises
    ``ValidationError`` with field names, writing nothing, otherwise.
    """
    if cycle.partnership_id != partnership.pk:
        raise ValidationError({"cycle": ["Choose one of your partnership's cycles."]})
    collaboration = None
    if collaboration_id is not None:
        # Only a collaboration this partnership is in: any other id is the same as a missing one.
        collaboration = Collaboration.objects.filter(pk=collaboration_id, partnerships=partnership).first()
    if collaboration is None:
        raise ValidationError(
            {"collaboration": ["Choose a collaboration your partnership belongs to: observers come from its partners."]}
        )
    email = (grantee_email or "").strip()
    if email and Membership.objects.in_partnership(partnership).filter(person__email__iexact=email).exists():
        raise ValidationError(
            {"grantee_email": ["This person is a member of your partnership: they read the hub's cycles already."]}
        )
    if email and hub_observer_in_force_for_email(partnership=partnership, cycle=cycle, email=email):
        raise ValidationError({"grantee_email": ["This person already observes this cycle."]})
    grant = access_grant_create(
        partnership=partnership,
        actor=actor,
        item=cycle,
        grantee_email=email,
        fields=list(OBSERVED_CYCLE_FIELDS),
        ends_on=ends_on,
        purpose=f"Observing the learning hub cycle “{cycle.title}”"[:200],
        collaboration=collaboration,
    )
    return HubObserver.objects.create(partnership=partnership, cycle=cycle, grant=grant)


@transaction.atomic
def hub_observer_revoke(*, partnership: Partnership, actor: Person, observer: HubObserver, reason: str = "") -> bool:
    """End an observer's sight of the cycle now: their next request is refused like a missing page.

    Only a business manager of the host; recorded on the grant and in the cycle's history. Returns whether
    the grant was still unrevoked (revoking twice changes nothing).
    """
    observer = (
        HubObserver.objects.in_partnership(partnership)
        .select_related("grant__grantee", "grant__grantee_partnership", "cycle")
        .get(pk=observer.pk)
    )
    if not access_grant_revoke(partnership=partnership, actor=actor, grant=observer.grant, reason=reason):
        return False
    grant = observer.grant
    history_record(
        partnership=partnership,
        actor=actor,
        instance=observer.cycle,
        action=HistoryEntry.Action.UPDATED,
        changes={
            "observer": {"from": f"{grant.grantee} ({grant.grantee_partnership.name})", "to": "revoked"},
        },
        reason=(reason or "").strip()[:200],
    )
    return True
