"""The partnership comes from the URL; membership, second factor and roles are checked on every request."""

from __future__ import annotations

import pytest
from django.urls import reverse

from partnership.models import Role
from partnership.selectors import memberships_for_person_loaded
from tests.factories import membership_make

pytestmark = pytest.mark.django_db


def home_url(world) -> str:
    return reverse("partnership:home", kwargs={"slug": world.partnership.slug})


def nav_labels(response) -> list[str]:
    return [item["label"] for item in response.context["nav_items"]]


def test_anonymous_person_is_sent_to_sign_in(client, world_a):
    response = client.get(home_url(world_a))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account:login"))


def test_member_sees_their_partnership(client_for, world_a):
    response = client_for(world_a.practitioner.person).get(home_url(world_a))
    assert response.status_code == 200
    assert world_a.partnership.name in response.content.decode()


def test_another_partnerships_member_gets_404_like_a_missing_partnership(client_for, world_a, world_b):
    client = client_for(world_b.bm)
    foreign = client.get(home_url(world_a))
    missing = client.get(reverse("partnership:home", kwargs={"slug": "no-such-partnership"}))
    assert foreign.status_code == missing.status_code == 404
    assert world_a.partnership.name not in foreign.content.decode()


def test_deactivated_member_gets_404(client_for, world_a):
    world_a.practitioner.is_active = False
    world_a.practitioner.save()
    assert client_for(world_a.practitioner.person).get(home_url(world_a)).status_code == 404


@pytest.mark.parametrize("member", ["business_manager", "la_lead", "health_lead", "police_lead", "scrutineer"])
def test_second_factor_roles_see_no_partnership_data_before_verifying(client_for, world_a, member):
    person = getattr(world_a, member).person
    response = client_for(person, verified=False).get(home_url(world_a))
    assert response.status_code == 302
    assert "/account/two-factor/" in response["Location"]


@pytest.mark.parametrize("member", ["practitioner", "agency_lead", "lay_member", "observer"])
def test_other_roles_need_no_second_factor(client_for, world_a, member):
    person = getattr(world_a, member).person
    assert client_for(person, verified=False).get(home_url(world_a)).status_code == 200


def test_navigation_follows_roles(client_for, world_a):
    manager_nav = nav_labels(client_for(world_a.bm).get(home_url(world_a)))
    practitioner_nav = nav_labels(client_for(world_a.practitioner.person).get(home_url(world_a)))
    assert {"Agencies", "Members", "Settings"} <= set(manager_nav)
    assert "Members" not in practitioner_nav
    assert "Agencies" not in practitioner_nav
    assert "Overview" in practitioner_nav


def test_practitioner_is_refused_business_manager_pages(client_for, world_a):
    url = reverse("partnership:member_list", kwargs={"slug": world_a.partnership.slug})
    assert client_for(world_a.practitioner.person).get(url).status_code == 403


def test_switcher_lists_only_the_persons_own_partnerships(client_for, world_a, world_b):
    from tests.factories import World

    world_c = World("Charlie")
    person = world_a.practitioner.person
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    response = client_for(person).get(home_url(world_b))
    switcher = [m.partnership.name for m in response.context["my_memberships"]]
    assert switcher == sorted([world_a.partnership.name, world_b.partnership.name])
    assert world_c.partnership.name not in response.content.decode()
    assert response.context["current_membership"].partnership == world_b.partnership


def test_person_in_several_partnerships_chooses_on_the_home_page(client_for, world_a, world_b):
    person = world_a.practitioner.person
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    response = client_for(person).get(reverse("home"))
    assert response.status_code == 200
    body = response.content.decode()
    assert world_a.partnership.name in body
    assert world_b.partnership.name in body


def test_person_in_one_partnership_goes_straight_there(client_for, world_a):
    response = client_for(world_a.practitioner.person).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == home_url(world_a)


def test_partnership_home_query_count_is_fixed(client_for, world_a, django_assert_max_num_queries):
    client = client_for(world_a.bm)
    with django_assert_max_num_queries(15):
        assert client.get(home_url(world_a)).status_code == 200


def test_the_persons_own_memberships_carry_the_person_read_once(world_a, django_assert_num_queries):
    person = world_a.bm
    with django_assert_num_queries(1):
        memberships = memberships_for_person_loaded(person=person)
        # The home page greets the person through their membership: no second read of the person.
        assert [m.person.email for m in memberships] == [person.email]
    assert memberships[0].person is person


def test_pages_carry_a_content_security_policy_without_inline_scripts(client_for, world_a):
    response = client_for(world_a.practitioner.person).get(home_url(world_a))
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src
    assert "unsafe-eval" not in script_src
    assert "<script>" not in response.content.decode()


def test_health_is_the_trivial_view(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/health/")
    assert response.status_code == 200
    assert response.content == b"ok"
