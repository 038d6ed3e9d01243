"""API of a cycle's observers: list, invite, revoke; business managers only, tenancy, field errors."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from learninghub.models import HubObserver
from tests.conftest import login
from tests.factories import World
from tests.learninghub.helpers import cycle_make
from tests.learninghub.observer_helpers import forum_make, observer_invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(world_a, world_b):
    return forum_make(world_a.partnership, world_b.partnership)


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a)


def _api(person) -> APIClient:
    return login(APIClient(), person)


def _url(world, name, **kwargs):
    return reverse(f"learninghub_api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _body(forum, person, **overrides):
    return {
        "collaboration_id": forum.pk,
        "grantee_email": person.email,
        "ends_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    } | overrides


def test_business_manager_lists_invites_and_revokes(world_a, world_b, forum, cycle):
    client = _api(world_a.bm)
    observers = _url(world_a, "cycle_observers", hub_cycle_id=cycle.pk)
    assert client.get(observers).json() == []

    created = client.post(observers, _body(forum, world_b.practitioner.person), format="json")

    assert created.status_code == 201, created.content
    data = created.json()
    assert data["grantee_email"] == world_b.practitioner.person.email
    assert data["grantee_partnership"] == world_b.partnership.name
    assert data["collaboration_id"] == forum.pk
    assert data["in_force"] is True
    observing = login(APIClient(), world_b.practitioner.person)
    page = reverse("learninghub_observing:cycle", kwargs={"observation_id": data["id"]})
    assert observing.get(page).status_code == 200

    revoke = _url(world_a, "observer_revoke", hub_cycle_id=cycle.pk, hub_observer_id=data["id"])
    revoked = client.post(revoke, {"reason": "Seen enough"}, format="json")

    assert revoked.status_code == 200
    assert revoked.json()["in_force"] is False
    assert revoked.json()["revoked_at"] is not None
    assert observing.get(page).status_code == 404
    assert client.post(revoke, {}, format="json").status_code == 200
    assert [o["id"] for o in client.get(observers).json()] == [data["id"]]


def test_field_errors(world_a, world_b, forum, cycle):
    client = _api(world_a.bm)
    observers = _url(world_a, "cycle_observers", hub_cycle_id=cycle.pk)
    elsewhere = forum_make(world_b.partnership, name="Elsewhere", slug="elsewhere")
    cases = [
        ({"collaboration_id": elsewhere.pk}, "collaboration"),
        ({"collaboration_id": 2**62}, "collaboration"),
        ({"collaboration_id": 2**64}, "collaboration_id"),
        ({"collaboration_id": "x"}, "collaboration_id"),
        ({"grantee_email": ""}, "grantee_email"),
        ({"grantee_email": world_a.practitioner.person.email}, "grantee_email"),
        ({"grantee_email": World("Charlie").practitioner.person.email}, "grantee_email"),
        ({"ends_on": "2001-01-01"}, "ends_on"),
        ({"ends_on": "soon"}, "ends_on"),
    ]
    for overrides, field in cases:
        response = client.post(observers, _body(forum, world_b.practitioner.person, **overrides), format="json")
        assert response.status_code == 400, overrides
        assert field in response.json(), (overrides, response.json())
    assert not HubObserver.objects.in_partnership(world_a.partnership).exists()


@pytest.mark.parametrize("role", ["la_lead", "practitioner", "scrutineer", "lay_member", "observer"])
def test_only_business_managers(world_a, world_b, forum, cycle, role):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    client = _api(getattr(world_a, role).person)
    observers = _url(world_a, "cycle_observers", hub_cycle_id=cycle.pk)
    assert client.get(observers).status_code == 403
    assert client.post(observers, _body(forum, world_b.bm), format="json").status_code == 403
    revoke = _url(world_a, "observer_revoke", hub_cycle_id=cycle.pk, hub_observer_id=observer.pk)
    assert client.post(revoke, {}, format="json").status_code == 403


def test_another_partnerships_cycle_or_observer_is_a_404(world_a, world_b, forum, cycle):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    own = cycle_make(world_b)
    client = _api(world_b.bm)
    assert client.get(_url(world_b, "cycle_observers", hub_cycle_id=cycle.pk)).status_code == 404
    assert client.get(_url(world_a, "cycle_observers", hub_cycle_id=cycle.pk)).status_code == 404
    revoke = _url(world_b, "observer_revoke", hub_cycle_id=own.pk, hub_observer_id=observer.pk)
    assert client.post(revoke, {}, format="json").status_code == 404
    # The observer reaches none of it either.
    observing = _api(world_b.practitioner.person)
    assert observing.get(_url(world_a, "cycle_observers", hub_cycle_id=cycle.pk)).status_code == 404
    assert observing.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).status_code == 404


def test_query_count_of_the_list_is_pinned(world_a, world_b, forum, cycle, django_assert_max_num_queries):
    observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    observer_invite(world_a, cycle, world_b.observer.person, forum)
    client = _api(world_a.bm)
    with django_assert_max_num_queries(8):
        assert client.get(_url(world_a, "cycle_observers", hub_cycle_id=cycle.pk)).status_code == 200
