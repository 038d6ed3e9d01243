"""What the tenancy sweep needs to know about routes, in two tables.

``OBJECT_KWARGS``: for every URL keyword argument that names an object (any
kwarg other than the partnership ``slug``), how to make a fresh object of that
kind in a given world and what to put in the URL for it. A route whose kwarg is
missing here fails the sweep, so a new kind of route cannot go unchecked: add
a maker below.

``NOT_TENANT_SCOPED``: routes that take no partnership ``slug``, each with the
reason it reads nothing of a partnership's data. Every route without a slug
must be listed here; a listed route that no longer exists fails the sweep too.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from partnership import services
from partnership.models import Agency, AgencyType, Membership, MembershipRole, Person, Role
from tests.factories import World

_serial = itertools.count(1)

# A maker gets the world and the kwargs already made for the same URL (in route order,
# so a nested kwarg can make its object under its parent's) and returns the URL value.
ObjectMaker = Callable[[World, dict[str, Any]], Any]


def _agency(world: World, made: dict[str, Any]) -> int:
    n = next(_serial)
    agency = Agency.objects.create(
        partnership=world.partnership, name=f"Sweep Agency {n}", agency_type=AgencyType.VOLUNTARY_AND_COMMUNITY
    )
    return agency.pk


def _membership(world: World, made: dict[str, Any]) -> int:
    n = next(_serial)
    # No password: hashing one is slow, and nobody signs in as this person.
    person = Person.objects.create(email=f"sweep-member-{n}@example.org", full_name=f"Sweep Member {n}")
    membership = Membership.objects.create(partnership=world.partnership, person=person, agency=world.school)
    MembershipRole.objects.create(membership=membership, role=Role.PRACTITIONER)
    return membership.pk


def _invitation(world: World, made: dict[str, Any]) -> int:
    n = next(_serial)
    invitation, _token = services.invitation_create(
        partnership=world.partnership,
        actor=world.bm,
        email=f"sweep-invitee-{n}@example.org",
        full_name=f"Sweep Invitee {n}",
        agency=world.school,
        roles=[Role.PRACTITIONER],
    )
    return invitation.pk


def _closure_day(world: World, made: dict[str, Any]) -> int:
    day = services.closure_day_add(
        partnership=world.partnership,
        actor=world.bm,
        day=date(2031, 1, 1) + timedelta(days=next(_serial)),
        reason="Sweep closure",
    )
    return day.pk


OBJECT_KWARGS: dict[str, ObjectMaker] = {
    "agency_id": _agency,
    "membership_id": _membership,
    "invitation_id": _invitation,
    "closure_day_id": _closure_day,
}

NOT_TENANT_SCOPED: dict[str, str] = {
    "health": "Container health check: answers 'ok' without touching the database.",
    "home": "Lists or redirects to the signed-in person's own memberships only.",
    "account:login": "Signing in: about the person, before any partnership is chosen.",
    "account:logout": "Signing out.",
    "account:two_factor_setup": "The person's own second factor.",
    "account:two_factor_verify": "The person's own second factor.",
    "account:password_reset": "Asks for a reset email by address; answers alike whether or not it exists.",
    "account:password_reset_sent": "A fixed confirmation page.",
    "account:password_reset_confirm": (
        "uidb64 and token identify a person's account, checked by Django's token generator; no partnership data."
    ),
    "account:password_reset_complete": "A fixed confirmation page.",
    "account:invitation_accept": (
        "The token is the secret of one invitation, found by its hash; it is not partnership-scoped "
        "(the newcomer is not a member of any partnership yet)."
    ),
    "account:api_token": "The person's own API token.",
    "api:partnership_list": "Lists only the caller's own partnerships.",
    "api_schema": "The OpenAPI description of the API: no data.",
    "api_docs": "The API documentation page: no data.",
    r"api/v1/^(?:[\s\S]*/)?$": "The API's JSON 404 for unknown paths.",
}
