"""Reads of API tokens and cross-partnership grants.

A grantee's reads go through ``access_grants_in_force_for`` and
``access_grant_shown_to``, which check in the same query that the grant is in
force (``partnership.sharing.grant_in_force_q``) and return only the granted
fields' values: never the row itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import BooleanField, Count, ExpressionWrapper, QuerySet
from django.http import Http404

from partnership.models import AccessGrant, AccessGrantView, ApiToken, Membership, Partnership, Person
from partnership.sharing import Shareable, grant_in_force_q, shareable_for, shareables


def api_tokens_of_person(*, person: Person) -> QuerySet[ApiToken]:
    """The person's tokens in their active partnerships, live first then newest, for the account page."""
    return (
        # A person's own tokens across their partnerships.
        ApiToken.objects.dangerously_unscoped()
        .filter(person=person, partnership__memberships__person=person, partnership__memberships__is_active=True)
        .select_related("partnership", "revoked_by")
        .order_by("revoked_at", "-created_at")
    )


def api_tokens_of_member(*, partnership: Partnership, membership: Membership) -> QuerySet[ApiToken]:
    """A member's tokens in this partnership, for the business manager's member page."""
    return (
        ApiToken.objects.in_partnership(partnership)
        .filter(person_id=membership.person_id)
        .select_related("revoked_by")
        .order_by("revoked_at", "-created_at")
    )


def api_token_of_member_get(*, partnership: Partnership, membership: Membership, token_id: int) -> ApiToken:
    """One of a member's tokens in this partnership; 404 for any other (another person's, another partnership's)."""
    token = ApiToken.objects.in_partnership(partnership).filter(pk=token_id, person_id=membership.person_id).first()
    if token is None:
        raise Http404("No such token.")
    return token


def access_grants_in_force_for(*, person: Person) -> QuerySet[AccessGrant]:
    """Grants in force for the person, across partnerships (they are the grantee, not a member there)."""
    return (
        # Made by other partnerships to this person: that is what a grant is.
        AccessGrant.objects.dangerously_unscoped()
        .filter(grant_in_force_q(), grantee=person)
        .select_related("partnership", "grantee_partnership", "collaboration", "content_type")
        .order_by("ends_on", "object_repr")
    )


@dataclass(frozen=True)
class SharedField:
    label: str
    value: str


@dataclass(frozen=True)
class SharedItem:
    grant: AccessGrant
    kind: str
    title: str
    fields: list[SharedField]


def access_grant_shown_to(*, person: Person, grant_id: int) -> SharedItem:
    """The granted fields of one item, as the grantee sees them; 404 unless the grant is in force for them.

    Only the fields named on the grant are read into the result; the caller
    records the view (``access_grant_record_view``).
    """
    grant = access_grants_in_force_for(person=person).filter(pk=grant_id).first()
    if grant is None:
        raise Http404("No such shared item.")
    shareable = shareable_for(grant.content_type.model_class())
    if shareable is None:
        raise Http404("No such shared item.")
    item = shareable.model._default_manager.filter(partnership=grant.partnership, pk=grant.object_id).first()
    if item is None:
        raise Http404("No such shared item.")
    shown = [
        SharedField(label=shareable.fields[f], value=_display(item, f)) for f in grant.fields if f in shareable.fields
    ]
    return SharedItem(grant=grant, kind=shareable.label, title=grant.object_repr, fields=shown)


def _display(item, field: str) -> str:
    display = getattr(item, f"get_{field}_display", None)
    value = display() if callable(display) else getattr(item, field)
    if value is None or value == "":
        return "Not recorded"
    if hasattr(value, "strftime"):
        return value.strftime("%-d %B %Y")
    return str(value)


def access_grants_made(*, partnership: Partnership) -> QuerySet[AccessGrant]:
    """The partnership's grants, newest first; ``access_grants_standing`` adds the views and the status of a page.

    No view count here: counting every grant's views to show a page of them grouped the whole partnership's
    views on each page, and again for the paginator's count (issue 13)."""
    return (
        AccessGrant.objects.in_partnership(partnership)
        .select_related("grantee", "grantee_partnership", "collaboration", "created_by", "revoked_by")
        .order_by("-created_at", "-id")
    )


def access_grant_standing(
    *, partnership: Partnership, grant_ids: list[int], today: date | None = None
) -> dict[int, tuple[int, bool]]:
    """How often each of these grants was viewed and whether it is in force (``today``, by default the day), by
    grant id: one query over those grants alone, none for none. The sharing pages and a hub cycle's observers
    show a page of grants with their standing."""
    if not grant_ids:
        return {}
    return {
        pk: (view_count, bool(in_force))
        for pk, view_count, in_force in AccessGrant.objects.in_partnership(partnership)
        .filter(pk__in=grant_ids)
        .order_by()
        .values("pk")
        .annotate(
            view_count=Count("views"),
            in_force=ExpressionWrapper(grant_in_force_q(today=today), output_field=BooleanField()),
        )
        .values_list("pk", "view_count", "in_force")
    }


def access_grants_standing(*, partnership: Partnership, grants) -> None:
    """Set ``view_count`` and ``in_force`` on each of ``grants`` (a page of them, or one): ``access_grant_standing``."""
    grants = list(grants)
    standing = access_grant_standing(partnership=partnership, grant_ids=[grant.pk for grant in grants])
    for grant in grants:
        grant.view_count, grant.in_force = standing[grant.pk]


def access_grant_get(*, partnership: Partnership, grant_id: int) -> AccessGrant:
    grant = (
        AccessGrant.objects.in_partnership(partnership)
        .select_related("grantee", "grantee_partnership", "collaboration", "created_by", "revoked_by", "content_type")
        .filter(pk=grant_id)
        .first()
    )
    if grant is None:
        raise Http404("No such sharing.")
    return grant


def access_grant_views(*, partnership: Partnership, grant: AccessGrant) -> QuerySet[AccessGrantView]:
    return AccessGrantView.objects.in_partnership(partnership).filter(grant=grant).select_related("person")


def shareable_item_choices(*, partnership: Partnership, limit_per_kind: int = 500) -> list[tuple[str, list]]:
    """The partnership's items that can be shared, grouped by kind, for a select (``label.model:pk``)."""
    groups = []
    for shareable in shareables():
        rows = shareable.model._default_manager.filter(partnership=partnership).order_by("pk")[:limit_per_kind]
        key = shareable.model._meta.label_lower
        groups.append((shareable.label, [(f"{key}:{row.pk}", str(row)) for row in rows]))
    return groups


def shareable_item_get(*, partnership: Partnership, key: str) -> tuple[Shareable, object]:
    """The shareable item named by ``label.model:pk`` in this partnership; 404 for anything else."""
    label, _, pk = (key or "").partition(":")
    shareable = shareable_for(label) if label else None
    if shareable is None or not pk.isdigit():
        raise Http404("No such item.")
    item = shareable.model._default_manager.filter(partnership=partnership, pk=int(pk)).first()
    if item is None:
        raise Http404("No such item.")
    return shareable, item


def access_grant_field_labels(*, grant: AccessGrant) -> list[str]:
    shareable = shareable_for(grant.content_type.model_class())
    return [shareable.fields.get(f, f) for f in grant.fields] if shareable else list(grant.fields)
