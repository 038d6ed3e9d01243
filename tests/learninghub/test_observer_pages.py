"""Pages of a cycle's observers: the business manager invites and revokes on the cycle page; the observer reads
"Cycles you observe" and the one cycle. Roles, tenancy, bad input, pinned query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from learninghub.models import HubObserver
from tests.factories import World
from tests.learninghub.helpers import cycle_make, priority_make
from tests.learninghub.observer_helpers import forum_make, observer_invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum(world_a, world_b):
    return forum_make(world_a.partnership, world_b.partnership)


@pytest.fixture
def cycle(world_a):
    return cycle_make(world_a)


def _url(world, name, **kwargs):
    return reverse(f"learninghub:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def _observing(observer=None):
    if observer is None:
        return reverse("learninghub_observing:list")
    return reverse("learninghub_observing:cycle", kwargs={"observation_id": observer.pk})


def _invite_data(forum, person, **overrides):
    return {
        "collaboration_id": str(forum.pk),
        "grantee_email": person.email,
        "ends_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    } | overrides


def test_business_manager_invites_and_revokes_from_the_cycle_page(world_a, world_b, forum, cycle, client_for):
    bm = client_for(world_a.bm)
    invite = _url(world_a, "observer_invite", hub_cycle_id=cycle.pk)
    form = bm.get(invite)
    assert form.status_code == 200
    assert forum.name in form.content.decode()

    response = bm.post(invite, _invite_data(forum, world_b.practitioner.person))

    assert response.status_code == 302
    observer = HubObserver.objects.in_partnership(world_a.partnership).get()
    page = bm.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).content.decode()
    assert "Bravo Practitioner" in page
    assert "Observing" in page
    observer_client = client_for(world_b.practitioner.person)
    assert observer_client.get(_observing(observer)).status_code == 200

    revoke = _url(world_a, "observer_revoke", hub_cycle_id=cycle.pk, hub_observer_id=observer.pk)
    assert bm.post(revoke, {"reason": "Cycle reviewed"}).status_code == 302

    assert observer_client.get(_observing(observer)).status_code == 404
    page = bm.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).content.decode()
    assert "Revoked" in page
    assert "Cycle reviewed" in page  # the history's reason
    assert bm.post(revoke).status_code == 302  # twice: said, nothing changes


def test_bad_input_is_drawn_again_beside_its_field(world_a, world_b, forum, cycle, client_for):
    bm = client_for(world_a.bm)
    invite = _url(world_a, "observer_invite", hub_cycle_id=cycle.pk)
    cases = [
        ({"collaboration_id": ""}, "collaboration_id"),
        ({"grantee_email": ""}, "grantee_email"),
        ({"grantee_email": world_a.practitioner.person.email}, "grantee_email"),
        ({"ends_on": "not a date"}, "ends_on"),
        ({"ends_on": (timezone.localdate() - timedelta(days=1)).isoformat()}, "ends_on"),
    ]
    for overrides, field in cases:
        response = bm.post(invite, _invite_data(forum, world_b.practitioner.person, **overrides))
        assert response.status_code == 400, overrides
        assert field in response.context["form"].errors, (overrides, response.context["form"].errors)
    assert not HubObserver.objects.in_partnership(world_a.partnership).exists()


def test_a_collaboration_the_host_is_not_in_is_refused_like_a_missing_one(world_a, world_b, forum, cycle, client_for):
    charlie = World("Charlie")
    elsewhere = forum_make(world_b.partnership, charlie.partnership, name="Elsewhere", slug="elsewhere")
    bm = client_for(world_a.bm)
    invite = _url(world_a, "observer_invite", hub_cycle_id=cycle.pk)
    for collaboration_id in (str(elsewhere.pk), "999999", str(2**40)):
        response = bm.post(invite, _invite_data(forum, world_b.practitioner.person, collaboration_id=collaboration_id))
        assert response.status_code == 400
        assert "collaboration_id" in response.context["form"].errors
    # A person outside every collaboration of the host, by email: refused on the field, same words as unknown.
    response = bm.post(invite, _invite_data(forum, charlie.practitioner.person))
    assert response.status_code == 400
    assert "grantee_email" in response.context["form"].errors


@pytest.mark.parametrize(
    "role",
    ["la_lead", "health_lead", "police_lead", "practitioner", "agency_lead", "scrutineer", "lay_member", "observer"],
)
def test_only_business_managers_manage_observers(world_a, world_b, forum, cycle, client_for, role):  # noqa: PLR0917
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    client = client_for(getattr(world_a, role).person)
    page = client.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk))
    assert page.status_code == 200
    assert 'id="observers-heading"' not in page.content.decode()
    assert client.get(_url(world_a, "observer_invite", hub_cycle_id=cycle.pk)).status_code == 403
    revoke = _url(world_a, "observer_revoke", hub_cycle_id=cycle.pk, hub_observer_id=observer.pk)
    assert client.post(revoke).status_code == 403
    assert client_for(world_b.practitioner.person).get(_observing(observer)).status_code == 200


def test_another_partnerships_cycle_or_observer_is_a_404(world_a, world_b, forum, cycle, client_for):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    own_cycle = cycle_make(world_b)
    bm_b = client_for(world_b.bm)
    assert bm_b.get(_url(world_b, "observer_invite", hub_cycle_id=cycle.pk)).status_code == 404
    assert bm_b.post(_url(world_b, "observer_invite", hub_cycle_id=cycle.pk), {}).status_code == 404
    revoke = _url(world_b, "observer_revoke", hub_cycle_id=own_cycle.pk, hub_observer_id=observer.pk)
    assert bm_b.post(revoke).status_code == 404
    # Another cycle of the host: the observer id must belong to the cycle in the URL.
    other = cycle_make(world_a, title="Other", priority=priority_make(world_a, title="Neglect"))
    revoke = _url(world_a, "observer_revoke", hub_cycle_id=other.pk, hub_observer_id=observer.pk)
    assert client_for(world_a.bm).post(revoke).status_code == 404
    assert bm_b.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).status_code == 404


def test_the_observer_finds_their_cycles_from_their_own_navigation(world_a, world_b, forum, cycle, client_for):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    client = client_for(world_b.practitioner.person)
    hub = client.get(_url(world_b, "cycle_list")).content.decode()
    assert _observing() in hub

    listing = client.get(_observing())

    assert listing.status_code == 200
    assert _observing(observer) in listing.content.decode()
    page = client.get(_observing(observer)).content.decode()
    assert cycle.title in page
    assert "Alpha Business Manager" not in page
    assert "Alpha" not in page.replace(world_a.partnership.name, "")
    assert "/p/alpha-scp/" not in page


def test_each_look_is_counted_for_the_host(world_a, world_b, forum, cycle, client_for):
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    client = client_for(world_b.practitioner.person)
    client.get(_observing(observer))
    client.get(_observing(observer))
    page = client_for(world_a.bm).get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk))
    assert [r.view_count for r in page.context["observers"]] == [2]


def test_query_counts_are_pinned(world_a, world_b, forum, cycle, client_for, django_assert_max_num_queries):  # noqa: PLR0917
    observer = observer_invite(world_a, cycle, world_b.practitioner.person, forum)
    observer_invite(world_a, cycle, world_b.observer.person, forum)
    bm = client_for(world_a.bm)
    observer_client = client_for(world_b.practitioner.person)
    # The cycle page's 9 (its sessions included), and the observers with their looks, and which are in force.
    with django_assert_max_num_queries(11):
        assert bm.get(_url(world_a, "cycle_detail", hub_cycle_id=cycle.pk)).status_code == 200
    # Session, person, second factor device, whether roles need it, the grant with its cycle and host, phases,
    # tasks, the look recorded, the header's memberships.
    with django_assert_max_num_queries(9):
        assert observer_client.get(_observing(observer)).status_code == 200
    with django_assert_max_num_queries(6):
        assert observer_client.get(_observing()).status_code == 200
    with django_assert_max_num_queries(8):
        assert bm.get(_url(world_a, "observer_invite", hub_cycle_id=cycle.pk)).status_code == 200
