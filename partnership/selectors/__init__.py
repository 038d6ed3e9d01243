"""Reads of the kernel. Every tenant lookup takes the partnership explicitly.

A row of another partnership and a missing row both raise ``Http404``: callers
cannot tell them apart, and neither can the person asking.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, F, IntegerField, Model, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from guardian.shortcuts import get_objects_for_user

from partnership.date_words import day_month_year, day_month_year_time
from partnership.models import (
    Agency,
    ClosureDay,
    Collaboration,
    HistoryEntry,
    Invitation,
    Membership,
    MembershipRole,
    Partnership,
    Person,
)
from partnership.selectors.deadlines import working_day_calendars
from partnership.working_days import WorkingDayCalendar

_ROLES_PREFETCH = Prefetch("roles", queryset=MembershipRole.objects.order_by("role"))


def _memberships_with_roles(memberships: QuerySet[Membership]) -> list[Membership]:
    """``memberships`` with partnership, agency and roles loaded in ONE query (a join on the roles).

    Each row of the join is a (membership, role) pair, or a membership with no role; the
    roles are put where ``prefetch_related("roles")`` would have put them, so ``role_set``,
    ``has_role`` and ``roles.all`` read them without a query. Every signed-in page runs
    this, so it is one query instead of two.
    """
    found: dict[int, Membership] = {}
    roles: dict[int, list[MembershipRole]] = {}
    rows = memberships.select_related("partnership", "agency").annotate(held_role=F("roles__role"))
    for row in rows.order_by("partnership__name", "pk", "held_role"):
        membership = found.setdefault(row.pk, row)
        held = roles.setdefault(row.pk, [])
        if row.held_role is not None:
            held.append(MembershipRole(pk=None, membership_id=row.pk, role=row.held_role))
    for membership in found.values():
        cached = membership.roles.all()
        cached._result_cache = roles[membership.pk]
        cached._prefetch_done = True
        membership._prefetched_objects_cache = {"roles": cached}
        del membership.held_role
    return list(found.values())


def membership_for_person_in_partnership(*, person: Person, slug: str) -> Membership:
    """The person's active membership in the partnership named by ``slug``, roles loaded (one query).

    Raises ``Http404`` when the partnership does not exist *or* the person is
    not an active member of it: the two cases look the same from outside.
    """
    if not person.is_authenticated or not person.is_active:
        raise Http404("No such partnership.")
    memberships = _memberships_with_roles(
        Membership.objects.filter(person=person, partnership__slug=slug, is_active=True)
    )
    if not memberships:
        raise Http404("No such partnership.")
    return memberships[0]


def memberships_for_person_loaded(*, person: Person) -> list[Membership]:
    """The person's active memberships, by partnership name, partnership, agency and roles loaded: one query.

    What a page under /p/<slug>/ needs twice, read once: its own membership
    (``partnership_view``) and the partnership switcher in the header.
    """
    if not person.is_authenticated or not person.is_active:
        return []
    # A person's own memberships span partnerships: the header's switcher lists them all.
    memberships = _memberships_with_roles(
        Membership.objects.dangerously_unscoped().filter(person=person, is_active=True)
    )
    for membership in memberships:
        membership.person = person  # the signed-in person: a page reading membership.person runs no query for it
    return memberships


def memberships_for_person(*, person: Person) -> QuerySet[Membership]:
    """The person's active memberships, for the partnership switcher."""
    return (
        # A person's own memberships span partnerships: that is what the switcher lists.
        Membership.objects.dangerously_unscoped()
        .filter(person=person, is_active=True)
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


def partnership_settings_get(*, partnership: Partnership) -> Partnership:
    """The partnership's settings as saved now: the request's copy was read when the request began."""
    return Partnership.objects.get(pk=partnership.pk)


def agency_list(*, partnership: Partnership, include_inactive: bool = True) -> QuerySet[Agency]:
    """The partnership's agencies by name, each with ``member_count`` (its active members).

    The count is a subquery per agency rather than a join and GROUP BY: sliced to a
    page, PostgreSQL counts the members of that page's agencies only, where the join
    grouped every membership of the partnership whatever page was asked for.
    """
    active_members = (
        Membership.objects.filter(agency=OuterRef("pk"), is_active=True)
        .order_by()
        .values("agency")
        .annotate(count=Count("pk"))
        .values("count")
    )
    qs = Agency.objects.in_partnership(partnership).annotate(
        member_count=Coalesce(Subquery(active_members, output_field=IntegerField()), 0)
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
    return {a.statutory_partner: a for a in Agency.objects.in_partnership(partnership).exclude(statutory_partner="")}


def membership_list(
    *,
    partnership: Partnership,
    include_inactive: bool = True,
    search: str = "",
    inactive_only: bool = False,
    agency: Agency | None = None,
) -> QuerySet[Membership]:
    """Members with person, agency and roles loaded (a fixed number of queries however many rows).

    ``inactive_only`` lists just the deactivated members; ``agency`` narrows to one agency.
    """
    qs = (
        Membership.objects.in_partnership(partnership)
        .select_related("person", "agency")
        .prefetch_related(_ROLES_PREFETCH)
    )
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if inactive_only:
        qs = qs.filter(is_active=False)
    if agency is not None:
        qs = qs.filter(agency=agency)
    if search:
        qs = qs.filter(person_id__in=people_matching(search))
    return qs.order_by("person__full_name", "person__email")


def people_matching(search: str) -> QuerySet[Person]:
    """The ids of people whose name or email contains ``search`` (any case), for a member search.

    Two single-column searches joined by UNION, not one OR: each is served by its own
    pg_trgm GIN index on PostgreSQL (migration 0006), whatever the people's number. With
    the OR, at 40,000 people the planner's estimate for a common name made a sequential
    scan of every person look cheaper than two bitmap scans (issue 13). On SQLite
    the same query, without the indexes.
    """
    by_name = Person.objects.filter(full_name__icontains=search).order_by().values("pk")
    by_email = Person.objects.filter(email__icontains=search).order_by().values("pk")
    return by_name.union(by_email)


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
    """The partnership's calendar: its nation's bank holidays plus its own closure days (with their reasons)."""
    return working_day_calendars(partnership_ids=[partnership.pk], nations={partnership.pk: partnership.nation})[
        partnership.pk
    ]


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


def agencies_granted_to(*, person: Person, partnership: Partnership, perm: str) -> QuerySet[Agency]:
    """Agencies of this partnership on which the person holds an object grant.

    Guardian's defaults (global permissions and superusers count) would answer
    with every tenant's rows; both are switched off, and the queryset is
    filtered to the partnership before guardian sees it. A grant counts only
    while the person is an active member here: guardian alone does not know
    about memberships.
    """
    if not Membership.objects.filter(partnership=partnership, person=person, is_active=True).exists():
        return Agency.objects.none()
    return get_objects_for_user(
        person,
        perm,
        klass=Agency.objects.in_partnership(partnership),
        accept_global_perms=False,
        with_superuser=False,
    )


def agency_choices(*, partnership: Partnership, keep: Agency | None = None) -> QuerySet[Agency]:
    """The partnership's active agencies, for a select; ``keep`` stays listed even if inactive.

    ``keep`` is a member's current agency: editing their job title must not force a move
    just because their agency was deactivated since.
    """
    condition = Q(is_active=True)
    if keep is not None:
        condition |= Q(pk=keep.pk)
    return Agency.objects.in_partnership(partnership).filter(condition).order_by("name")


def member_people(*, partnership: Partnership) -> QuerySet[Person]:
    """The people with an active membership of the partnership (a choice of person for the API)."""
    members = Membership.objects.in_partnership(partnership).filter(is_active=True).values("person_id")
    return Person.objects.filter(pk__in=members)


def people_with_ids(*, person_ids: Iterable[int]) -> QuerySet[Person]:
    """People by id, by name: the caller has the ids from its partnership's memberships."""
    return Person.objects.filter(pk__in=list(person_ids)).order_by("full_name", "email")


# --- History, ready to show -----------------------------------------------------


@dataclass(frozen=True)
class FieldChange:
    """One changed field of a history row, in words a person reads."""

    label: str
    before: str
    after: str


@functools.lru_cache(maxsize=2048)
def _history_label(model: type[Model] | None, name: str) -> str:
    # Kept per model and field: a model's verbose names are fixed for the process, in the site's one language, and
    # translating each again was a tenth of drawing a 50-row history (issue 13).
    verbose = name.replace("_", " ")
    if model is not None:
        with contextlib.suppress(FieldDoesNotExist):
            verbose = str(getattr(model._meta.get_field(name), "verbose_name", verbose) or verbose)
    verbose = verbose.removeprefix("is ")  # "is active" reads better as "Active: Yes → No"
    return verbose[:1].upper() + verbose[1:]


def _history_value(value: Any) -> str:
    if value is None or value in ("", []):
        return "(none)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, str) and len(value) >= 10 and value[4:5] == "-" and value[7:8] == "-":
        # Dates and times are stored as ISO text; show them the way the rest of the site does.
        try:
            if len(value) == 10:
                return day_month_year(date.fromisoformat(value))
            moment = datetime.fromisoformat(value)
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return day_month_year_time(moment)
        except ValueError:
            return value
    return str(value)


def _with_field_changes(entries: list[HistoryEntry], model: type[Model] | None) -> list[HistoryEntry]:
    # PostgreSQL's jsonb does not keep key order: show fields in the model's order, the rest after.
    position = {f.name: i for i, f in enumerate(model._meta.concrete_fields)} if model is not None else {}
    for entry in entries:
        changes = entry.changes or {}
        entry.field_changes = [
            FieldChange(
                label=_history_label(model, name),
                before=_history_value((changes[name] or {}).get("from")),
                after=_history_value((changes[name] or {}).get("to")),
            )
            for name in sorted(changes, key=lambda n: (position.get(n, len(position)), n))
        ]
    return entries


def history_rows_for_object(*, partnership: Partnership, obj: Model, limit: int = 200) -> list[HistoryEntry]:
    """``history_for_object`` with ``field_changes`` (label, before, after as text) set on each row.

    What ``templates/includes/history.html`` shows; two queries at most, whatever the length.
    """
    entries = list(history_for_object(partnership=partnership, obj=obj, limit=limit))
    return _with_field_changes(entries, type(obj))


def _history_of_objects(*, partnership: Partnership, objects: list[Model]) -> QuerySet[HistoryEntry]:
    """The history rows of several objects (of one or more models), newest first: one query."""
    by_type: dict[int, list[int]] = {}
    for obj in objects:
        by_type.setdefault(ContentType.objects.get_for_model(obj).pk, []).append(obj.pk)
    wanted = Q()
    for content_type_id, object_ids in by_type.items():
        wanted |= Q(content_type_id=content_type_id, object_id__in=object_ids)
    return (
        HistoryEntry.objects.in_partnership(partnership).filter(wanted).select_related("actor").order_by("-at", "-id")
    )


def history_rows_for_objects(
    *, partnership: Partnership, objects: list[Model], limit: int = 200
) -> list[list[HistoryEntry]]:
    """``history_rows_for_object`` for several objects at once: a list of rows per object, in order.

    One query reads the newest ``limit`` rows per object for all of them together
    (a page showing two histories, an incident and its review, reads both at once).
    Only when that read was cut short, and an object may have older rows beyond the
    cut, is that object read again on its own: exact, and one query in the usual case.
    """
    if not objects:
        return []
    keys = [(ContentType.objects.get_for_model(obj).pk, obj.pk) for obj in objects]
    cap = limit * len(objects)
    rows = list(_history_of_objects(partnership=partnership, objects=objects)[:cap])
    found: dict[tuple[int, int], list[HistoryEntry]] = {key: [] for key in keys}
    for entry in rows:
        found[(entry.content_type_id, entry.object_id)].append(entry)
    result = []
    for key, obj in zip(keys, objects, strict=True):
        entries = found[key][:limit]
        if len(rows) == cap and len(entries) < limit:
            entries = list(history_for_object(partnership=partnership, obj=obj, limit=limit))
        result.append(_with_field_changes(entries, type(obj)))
    return result


def history_rows_merged(*, partnership: Partnership, objects: list[Model], limit: int = 200) -> list[HistoryEntry]:
    """The history of several objects (of one or more models) as one list, newest first, with ``field_changes``.

    For a page that shows a thing and its parts together (a hub cycle and its checklist's ticks): one query,
    whatever the number of objects. ``show_object`` in ``includes/history.html`` names each row's object.
    """
    if not objects:
        return []
    models_by_type = {ContentType.objects.get_for_model(obj).pk: type(obj) for obj in objects}
    entries = list(_history_of_objects(partnership=partnership, objects=objects)[:limit])
    by_type: dict[int, list[HistoryEntry]] = {}
    for entry in entries:
        by_type.setdefault(entry.content_type_id, []).append(entry)
    for content_type_id, rows in by_type.items():
        _with_field_changes(rows, models_by_type.get(content_type_id))
    return entries


def history_rows_for_model(*, partnership: Partnership, model: type[Model], limit: int = 200) -> list[HistoryEntry]:
    """The history of every row of ``model`` in the partnership (including deleted rows), newest first."""
    entries = list(
        HistoryEntry.objects.in_partnership(partnership)
        .filter(content_type=ContentType.objects.get_for_model(model))
        .select_related("actor")
        .order_by("-at", "-id")[:limit]
    )
    return _with_field_changes(entries, model)


def person_has_second_factor(*, person: Person) -> bool:
    """Whether the person has a confirmed authenticator app or backup codes."""
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(person, confirmed=True))
