"""Reads of the kernel. Every tenant lookup takes the partnership explicitly.

A row of another partnership and a missing row both raise ``Http404``: callers
cannot tell them apart, and neither can the person asking.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from guardian.shortcuts import get_objects_for_user

from partnership.models import (
    Agency,
    ClosureDay,
    Collaboration,
    CollaborationShare,
    HistoryEntry,
    Invitation,
    Membership,
    MembershipRole,
    Partnership,
    Person,
)
from partnership.working_days import WorkingDayCalendar

_ROLES_PREFETCH = Prefetch("roles", queryset=MembershipRole.objects.order_by("role"))


def membership_for_person_in_partnership(*, person: Person, slug: str) -> Membership:
    """The person's active membership in the partnership named by ``slug``.

    Raises ``Http404`` when the partnership does not exist *or* the person is
    not an active member of it: the two cases look the same from outside.
    """
    if not person.is_authenticated or not person.is_active:
        raise Http404("No such partnership.")
    membership = (
        Membership.objects.filter(person=person, partnership__slug=slug, is_active=True)
        .select_related("partnership", "agency")
        .prefetch_related(_ROLES_PREFETCH)
        .first()
    )
    if membership is None:
        raise Http404("No such partnership.")
    return membership


def memberships_for_person(*, person: Person) -> QuerySet[Membership]:
    """The person's active memberships, for the partnership switcher."""
    return (
        Membership.objects.filter(person=person, is_active=True)
        .select_related("partnership", "agency")
        .prefetch_related(_ROLES_PREFETCH)
        .order_by("partnership__name")
    )


def person_needs_second_factor(*, person: Person) -> bool:
    """Whether any of the person's active memberships holds a role that needs TOTP."""
    from partnership.models import SECOND_FACTOR_ROLES

    return MembershipRole.objects.filter(
        membership__person=person, membership__is_active=True, role__in=SECOND_FACTOR_ROLES
    ).exists()


def agency_list(*, partnership: Partnership, include_inactive: bool = True) -> QuerySet[Agency]:
    qs = Agency.objects.in_partnership(partnership).annotate(
        member_count=Count("memberships", filter=Q(memberships__is_active=True))
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("name")


def agency_get(*, partnership: Partnership, agency_id: int) -> Agency:
    agency = Agency.objects.in_partnership(partnership).filter(pk=agency_id).first()
    if agency is None:
        raise Http404("No such agency.")
    return agency


def statutory_partners(*, partnership: Partnership) -> dict[str, Agency]:
    """The agency that is the statutory partner for each kind, where one is set."""
    return {
        a.statutory_partner: a
        for a in Agency.objects.in_partnership(partnership).exclude(statutory_partner="")
    }


def membership_list(
    *, partnership: Partnership, include_inactive: bool = True, search: str = ""
) -> QuerySet[Membership]:
    qs = (
        Membership.objects.in_partnership(partnership)
        .select_related("person", "agency")
        .prefetch_related(_ROLES_PREFETCH)
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if search:
        qs = qs.filter(Q(person__full_name__icontains=search) | Q(person__email__icontains=search))
    return qs.order_by("person__full_name", "person__email")


def membership_get(*, partnership: Partnership, membership_id: int) -> Membership:
    membership = (
        Membership.objects.in_partnership(partnership)
        .select_related("person", "agency", "partnership")
        .prefetch_related(_ROLES_PREFETCH)
        .filter(pk=membership_id)
        .first()
    )
    if membership is None:
        raise Http404("No such member.")
    return membership


def invitation_list(*, partnership: Partnership, pending_only: bool = False) -> QuerySet[Invitation]:
    qs = Invitation.objects.in_partnership(partnership).select_related("agency", "invited_by")
    if pending_only:
        qs = qs.filter(status=Invitation.Status.PENDING)
    return qs.order_by("-created_at")


def invitation_get(*, partnership: Partnership, invitation_id: int) -> Invitation:
    invitation = Invitation.objects.in_partnership(partnership).filter(pk=invitation_id).first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation


def closure_day_list(*, partnership: Partnership) -> QuerySet[ClosureDay]:
    return ClosureDay.objects.in_partnership(partnership).order_by("date")


def closure_day_get(*, partnership: Partnership, closure_day_id: int) -> ClosureDay:
    day = ClosureDay.objects.in_partnership(partnership).filter(pk=closure_day_id).first()
    if day is None:
        raise Http404("No such closure day.")
    return day


def working_day_calendar(*, partnership: Partnership) -> WorkingDayCalendar:
    """The partnership's calendar: its nation's bank holidays plus its own closure days."""
    closures = ClosureDay.objects.in_partnership(partnership).values_list("date", flat=True)
    return WorkingDayCalendar(nation=partnership.nation, closure_days=frozenset(closures))


def history_for_object(*, partnership: Partnership, obj, limit: int = 200) -> QuerySet[HistoryEntry]:
    """An object's history, newest first, only ever within its own partnership."""
    return (
        HistoryEntry.objects.in_partnership(partnership)
        .filter(content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )


def collaborations_for_partnership(*, partnership: Partnership) -> QuerySet[Collaboration]:
    return partnership.collaborations.prefetch_related("partnerships").order_by("name")


def shared_with_partnership(*, partnership: Partnership, model) -> QuerySet:
    """Rows of ``model`` that other partnerships explicitly shared with a collaboration
    this partnership belongs to. The only way a row crosses a tenant boundary."""
    ids = CollaborationShare.objects.filter(
        collaboration__partnerships=partnership,
        content_type=ContentType.objects.get_for_model(model),
    ).values_list("object_id", flat=True)
    return model.objects.filter(pk__in=[int(i) for i in ids])


def agencies_granted_to(*, person: Person, partnership: Partnership, perm: str) -> QuerySet[Agency]:
    """Agencies of this partnership on which the person holds an object grant.

    Guardian's defaults (global permissions and superusers count) would answer
    with every tenant's rows; both are switched off, and the queryset is
    filtered to the partnership before guardian sees it.
    """
    return get_objects_for_user(
        person,
        perm,
        klass=Agency.objects.in_partnership(partnership),
        accept_global_perms=False,
        with_superuser=False,
    )
