"""Reads of serious incidents and children: pseudonyms only. Identities come from
``reviews.services.incidents.child_identity_reveal``, which logs each view."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from partnership.models import PARTNER_LEAD_ROLES, Membership, Partnership, Person, Role
from reviews.models import Child, SeriousIncident

# Who may see a child's name, date of birth and address (each view logged).
IDENTITY_ROLES = frozenset({Role.BUSINESS_MANAGER, *PARTNER_LEAD_ROLES})

# Never load the encrypted columns where only the pseudonym is shown: nothing is decrypted that is not shown.
_CHILD_PSEUDONYM_FIELDS = ("id", "partnership_id", "incident_id", "position", "pseudonym")


def identity_viewer_allowed(*, membership: Membership) -> bool:
    return membership.has_role(*IDENTITY_ROLES)


def children_pseudonyms(*, partnership: Partnership) -> QuerySet[Child]:
    """Children with their pseudonyms only (the encrypted columns are deferred, never decrypted)."""
    return Child.objects.in_partnership(partnership).only(*_CHILD_PSEUDONYM_FIELDS).order_by("position")


def identity_editor_allowed(*, partnership: Partnership, person: Person) -> bool:
    """Whether ``person`` may correct children's identities and add children: business managers of it only."""
    return (
        Membership.objects.in_partnership(partnership)
        .filter(person_id=person.pk, is_active=True, roles__role=Role.BUSINESS_MANAGER)
        .exists()
    )


def child_get(*, partnership: Partnership, incident: SeriousIncident, child_id: int) -> Child:
    """One child of ``incident``, pseudonym and version only (nothing decrypted); 404 if not of this incident."""
    child = (
        children_pseudonyms(partnership=partnership)
        .only(*_CHILD_PSEUDONYM_FIELDS, "updated_at")
        .filter(incident=incident, pk=child_id)
        .first()
    )
    if child is None:
        raise Http404("No such child.")
    return child


def incident_list(*, partnership: Partnership) -> QuerySet[SeriousIncident]:
    return (
        SeriousIncident.objects.in_partnership(partnership)
        .select_related("referring_agency", "rapid_review")
        .prefetch_related(
            Prefetch("children", queryset=children_pseudonyms(partnership=partnership)),
            "agencies",
        )
        .order_by("-panel_notified_on", "-id")
    )


def incident_get(*, partnership: Partnership, incident_id: int) -> SeriousIncident:
    incident = incident_list(partnership=partnership).filter(pk=incident_id).first()
    if incident is None:
        raise Http404("No such incident.")
    return incident
