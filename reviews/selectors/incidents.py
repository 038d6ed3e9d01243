"""Reads of serious incidents and children: pseudonyms only. Identities come from
``reviews.services.incidents.child_identity_reveal``, which logs each view."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, IntegerField, Prefetch, QuerySet, Value
from django.http import Http404

from partnership.models import LEADERSHIP_ROLES, Agency, Membership, Partnership, Person, Role
from reviews.models import Child, SeriousIncident

# Who may see a child's name, date of birth and address (each view logged).
IDENTITY_ROLES = LEADERSHIP_ROLES

# Never load the encrypted columns where only the pseudonym is shown: nothing is decrypted that is not shown.
_CHILD_PSEUDONYM_FIELDS = ("id", "partnership_id", "incident_id", "position", "pseudonym")


@dataclass(frozen=True)
class IncidentParties:
    """Who an incident involves, as its page lists them: agencies by name, children by pseudonym."""

    agency_names: list[str]
    child_pseudonyms: list[str]


def incident_parties(*, partnership: Partnership, incident: SeriousIncident) -> IncidentParties:
    """The names of the agencies involved (by name) and the children's pseudonyms (Child A first).

    Two short lists read in one query (UNION ALL of two three-column reads, sorted here), the
    rapid review page's twelfth query saved. Pseudonyms only: no encrypted column is read.
    """
    agencies = (
        SeriousIncident.agencies.through.objects.filter(seriousincident=incident, agency__partnership=partnership)
        .annotate(part=Value(0, IntegerField()), order=Value(0, IntegerField()), label=F("agency__name"))
        .order_by()  # no ORDER BY inside a compound statement (SQLite refuses it): sorted below
        .values_list("part", "order", "label")
    )
    children = (
        Child.objects.in_partnership(partnership)
        .filter(incident=incident)
        .annotate(part=Value(1, IntegerField()), order=F("position"), label=F("pseudonym"))
        .order_by()
        .values_list("part", "order", "label")
    )
    rows = sorted(agencies.union(children, all=True))
    return IncidentParties(
        agency_names=[label for part, _, label in rows if part == 0],
        child_pseudonyms=[label for part, _, label in rows if part == 1],
    )


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


def incident_agency_choices(*, incident: SeriousIncident) -> QuerySet[Agency]:
    """The agencies an incident can name: the active ones, and the inactive ones it names already."""
    agencies = Agency.objects.in_partnership(incident.partnership)
    keep = [incident.referring_agency_id, *[a.pk for a in incident.agencies.all()]]
    return (agencies.filter(pk__in=keep) | agencies.filter(is_active=True)).distinct().order_by("name")


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
