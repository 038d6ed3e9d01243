"""API tokens skip the second factor only because they are issued after it; a new role resets that."""

from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

from partnership.models import Role
from partnership.services import membership_update

pytestmark = pytest.mark.django_db


def test_gaining_a_second_factor_role_revokes_the_api_token(world_a):
    practitioner = world_a.practitioner
    Token.objects.create(user=practitioner.person)
    membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=practitioner,
        agency=practitioner.agency,
        roles=[Role.PRACTITIONER, Role.BUSINESS_MANAGER],
    )
    assert not Token.objects.filter(user=practitioner.person).exists()


def test_other_role_changes_keep_the_token(world_a):
    practitioner = world_a.practitioner
    Token.objects.create(user=practitioner.person)
    membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=practitioner,
        agency=practitioner.agency,
        roles=[Role.PRACTITIONER, Role.AGENCY_LEAD],
    )
    assert Token.objects.filter(user=practitioner.person).exists()
