"""The one cross-partnership grant: made by the owner's business manager, narrow, read-only, ending, logged.

Replaces the collaboration sharing that had no role check, let whole rows
cross over and outlived a partnership leaving the collaboration.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from partnership.models import AccessGrant, AccessGrantView, Collaboration, HistoryEntry, Membership, Role
from partnership.selectors.access import access_grants_in_force_for
from partnership.services import membership_deactivate
from partnership.services.access import access_grant_create, access_grant_revoke, collaboration_leave
from tests.factories import api_token_key, membership_make

pytestmark = pytest.mark.django_db

SHARED = reverse("account:shared_with_me")


def shared_item(grant) -> str:
    return reverse("account:shared_item", kwargs={"grant_id": grant.pk})


@pytest.fixture
def forum(world_a, world_b):
    forum = Collaboration.objects.create(name="Tri-borough forum", slug="tri-borough")
    forum.partnerships.add(world_a.partnership, world_b.partnership)
    return forum


def share_school_with_bravo_observer(world_a, world_b, forum, **overrides):
    arguments = {
        "partnership": world_a.partnership,
        "actor": world_a.bm,
        "item": world_a.school,
        "grantee_email": world_b.observer.person.email,
        "fields": ["name", "agency_type"],
        "ends_on": timezone.localdate() + timedelta(days=30),
        "purpose": "Hub cycle on exploitation",
        "collaboration": forum,
    } | overrides
    return access_grant_create(**arguments)


# --- Who may share, and what --------------------------------------------------------------


def test_a_business_manager_shares_chosen_fields_with_a_member_of_a_collaborating_partnership(world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum)

    assert grant.partnership == world_a.partnership
    assert grant.grantee == world_b.observer.person
    assert grant.grantee_partnership == world_b.partnership
    assert grant.fields == ["name", "agency_type"]
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == [grant]
    entry = HistoryEntry.objects.get(partnership=world_a.partnership, changes__has_key="shared with")
    assert entry.actor == world_a.bm
    assert entry.object_id == str(world_a.school.pk)


@pytest.mark.parametrize("role", ["lay_member", "practitioner", "scrutineer", "la_lead"])
def test_only_a_business_manager_may_share(world_a, world_b, forum, role):
    actor = getattr(world_a, role).person
    with pytest.raises(ValidationError, match="Only a business manager"):
        share_school_with_bravo_observer(world_a, world_b, forum, actor=actor)
    assert not AccessGrant.objects.exists()
    assert not HistoryEntry.objects.filter(changes__has_key="shared with").exists()


def test_a_manager_of_another_partnership_cannot_share_its_items(world_a, world_b, forum):
    with pytest.raises(ValidationError, match="Only a business manager"):
        share_school_with_bravo_observer(world_a, world_b, forum, actor=world_b.bm)
    # Nor share Alpha's item as if it were Bravo's.
    with pytest.raises(ValidationError) as excinfo:
        share_school_with_bravo_observer(world_a, world_b, forum, partnership=world_b.partnership, actor=world_b.bm)
    assert "item" in excinfo.value.message_dict
    assert not AccessGrant.objects.exists()
    assert not HistoryEntry.objects.filter(changes__has_key="shared with").exists()


def test_bad_choices_are_refused_field_by_field(world_a, world_b, forum):
    with pytest.raises(ValidationError) as excinfo:
        share_school_with_bravo_observer(
            world_a, world_b, forum, fields=["name", "memberships"], ends_on=date(2000, 1, 1), purpose=" "
        )
    assert set(excinfo.value.message_dict) == {"fields", "ends_on", "purpose"}
    with pytest.raises(ValidationError) as excinfo:
        share_school_with_bravo_observer(world_a, world_b, forum, fields=[], ends_on=None)
    assert set(excinfo.value.message_dict) == {"fields", "ends_on"}
    with pytest.raises(ValidationError) as excinfo:
        share_school_with_bravo_observer(world_a, world_b, forum, ends_on=timezone.localdate() + timedelta(days=400))
    assert "ends_on" in excinfo.value.message_dict


def test_someone_outside_the_collaboration_cannot_be_chosen(world_a, world_b, forum):
    from tests.factories import World

    outsider = World("Charlie").observer.person
    with pytest.raises(ValidationError) as excinfo:
        share_school_with_bravo_observer(world_a, world_b, forum, grantee_email=outsider.email)
    assert "grantee_email" in excinfo.value.message_dict
    with pytest.raises(ValidationError) as excinfo:
        share_school_with_bravo_observer(world_a, world_b, forum, collaboration=None)
    assert "grantee_email" in excinfo.value.message_dict
    assert not AccessGrant.objects.exists()


def test_a_collaboration_the_owner_is_not_in_cannot_be_used(world_a, world_b):
    elsewhere = Collaboration.objects.create(name="Elsewhere", slug="elsewhere")
    elsewhere.partnerships.add(world_b.partnership)
    with pytest.raises(ValidationError) as excinfo:
        share_school_with_bravo_observer(world_a, world_b, elsewhere)
    assert "collaboration" in excinfo.value.message_dict


# --- What the grantee sees -----------------------------------------------------------------


def test_the_grantee_sees_only_the_chosen_fields_and_each_view_is_logged(client_for, world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum, fields=["name"])
    client = client_for(world_b.observer.person)

    listing = client.get(SHARED).content.decode()
    assert "Alpha Primary School" in listing
    assert "Hub cycle on exploitation" in listing
    page = client.get(shared_item(grant))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Alpha Primary School" in html
    assert "Type" not in html  # agency_type was not chosen
    client.get(shared_item(grant))
    views = AccessGrantView.objects.filter(grant=grant)
    assert views.count() == 2
    assert {v.person for v in views} == {world_b.observer.person}
    assert {v.partnership for v in views} == {world_a.partnership}


def test_nobody_else_can_open_the_grant(client_for, world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum)
    for person in (world_b.bm, world_b.lay_member.person, world_a.observer.person, world_a.bm):
        assert client_for(person).get(shared_item(grant)).status_code == 404
    assert (
        client_for(world_b.observer.person).get(reverse("account:shared_item", kwargs={"grant_id": 999999})).status_code
        == 404
    )
    assert not AccessGrantView.objects.exists()


def test_a_grant_is_never_reachable_by_api_token(client, world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum)
    key = api_token_key(world_b.observer.person, second_factor_passed=False)
    response = client.get(shared_item(grant), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 302  # to sign in: pages take no tokens
    assert reverse("account:login") in response.url
    assert not AccessGrantView.objects.exists()
    # And the API, which does take tokens, has no route to another partnership's rows.
    api = client.get(
        reverse("api:agency_detail", kwargs={"slug": world_a.partnership.slug, "agency_id": world_a.school.pk}),
        HTTP_AUTHORIZATION=f"Token {key}",
    )
    assert api.status_code == 404


def test_a_grantee_whose_roles_need_it_passes_the_second_factor_first(client_for, world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum, grantee_email=world_b.police_lead.person.email)
    unverified = client_for(world_b.police_lead.person, verified=False)
    response = unverified.get(shared_item(grant))
    assert response.status_code == 302
    assert "two-factor" in response.url or "second-factor" in response.url or "verify" in response.url
    assert not AccessGrantView.objects.exists()
    assert client_for(world_b.police_lead.person).get(shared_item(grant)).status_code == 200


# --- When a grant stops -----------------------------------------------------------------------


def test_revoked_by_the_owner(client_for, world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum)
    assert access_grant_revoke(partnership=world_a.partnership, actor=world_a.bm, grant=grant, reason="Cycle ended")
    assert client_for(world_b.observer.person).get(shared_item(grant)).status_code == 404
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == []
    with pytest.raises(ValidationError):
        access_grant_revoke(partnership=world_a.partnership, actor=world_a.lay_member.person, grant=grant)


def test_ended_after_its_last_day(world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum, ends_on=timezone.localdate())
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == [grant]
    AccessGrant.objects.filter(pk=grant.pk).update(ends_on=timezone.localdate() - timedelta(days=1))
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == []


def test_void_the_moment_the_grantees_home_membership_ends(world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum)
    # Ended by any route: the read checks the membership itself.
    Membership.objects.filter(pk=world_b.observer.pk).update(is_active=False)
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == []
    Membership.objects.filter(pk=world_b.observer.pk).update(is_active=True)
    # Ended by the service: the grant is revoked for good, and says why.
    membership_deactivate(partnership=world_b.partnership, actor=world_b.bm, membership=world_b.observer)
    grant.refresh_from_db()
    assert grant.revoked_at is not None
    assert grant.revoked_reason == "Home membership ended"


@pytest.mark.parametrize("leaver", ["owner", "grantee"])
def test_void_the_moment_either_partnership_leaves_the_collaboration(world_a, world_b, forum, leaver):
    grant = share_school_with_bravo_observer(world_a, world_b, forum)
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == [grant]
    partnership = world_a.partnership if leaver == "owner" else world_b.partnership
    forum.partnerships.remove(partnership)  # by any route: the read checks the collaboration itself
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == []
    forum.partnerships.add(partnership)
    assert collaboration_leave(collaboration=forum, partnership=partnership, actor=None) == 1
    forum.partnerships.add(partnership)
    assert list(access_grants_in_force_for(person=world_b.observer.person)) == []  # revoked for good


def test_a_grant_within_the_partnership_needs_no_collaboration(client_for, world_a):
    grant = access_grant_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        item=world_a.icb,
        grantee_email=world_a.lay_member.person.email,
        fields=["name", "statutory_partner"],
        ends_on=timezone.localdate() + timedelta(days=7),
        purpose="Board pack",
    )
    html = client_for(world_a.lay_member.person).get(shared_item(grant)).content.decode()
    assert "Alpha ICB" in html
    assert "Health" in html


# --- The business managers' pages --------------------------------------------------------------


def sharing(world, name="sharing_list", **kwargs) -> str:
    return reverse(f"partnership:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def test_sharing_pages_share_and_revoke(client_for, world_a, world_b, forum):
    bm = client_for(world_a.bm)
    listing = bm.get(sharing(world_a))
    assert listing.status_code == 200
    item = f"partnership.agency:{world_a.school.pk}"
    assert item in listing.content.decode()
    step_two = bm.get(sharing(world_a, "sharing_create") + f"?item={item}")
    assert step_two.status_code == 200
    assert "Statutory partner" in step_two.content.decode()

    refused = bm.post(
        sharing(world_a, "sharing_create"),
        {"item": item, "fields_shown": [], "grantee_email": "nobody@nowhere.example", "ends_on": "", "purpose": ""},
    )
    assert refused.status_code == 400
    assert {"fields_shown", "ends_on", "purpose"} <= set(refused.context["form"].errors)
    assert not AccessGrant.objects.exists()

    ends_on = (timezone.localdate() + timedelta(days=20)).isoformat()
    data = {
        "item": item,
        "fields_shown": ["name"],
        "grantee_email": world_b.observer.person.email,
        "collaboration": str(forum.pk),
        "ends_on": ends_on,
        "purpose": "Hub",
    }
    no_collaboration = bm.post(sharing(world_a, "sharing_create"), {**data, "collaboration": ""})
    assert no_collaboration.status_code == 400
    assert "grantee_email" in no_collaboration.context["form"].errors
    done = bm.post(sharing(world_a, "sharing_create"), data, follow=True)
    assert done.status_code == 200
    grant = AccessGrant.objects.get()
    assert "In force" in done.content.decode()

    client_for(world_b.observer.person).get(shared_item(grant))
    detail = bm.get(sharing(world_a, "sharing_detail", grant_id=grant.pk)).content.decode()
    assert "Bravo Observer" in detail
    assert "Not viewed yet" not in detail
    bm.post(sharing(world_a, "sharing_detail", grant_id=grant.pk), {"reason": "Done"})
    grant.refresh_from_db()
    assert grant.revoked_reason == "Done"


def test_sharing_pages_are_for_business_managers_of_the_owner_only(client_for, world_a, world_b, forum):
    grant = share_school_with_bravo_observer(world_a, world_b, forum)
    for person in (world_a.lay_member.person, world_a.la_lead.person, world_a.scrutineer.person):
        client = client_for(person)
        assert client.get(sharing(world_a)).status_code == 403
        assert client.get(sharing(world_a, "sharing_detail", grant_id=grant.pk)).status_code == 403
    other = client_for(world_b.bm)
    assert other.get(sharing(world_a)).status_code == 404
    assert other.get(sharing(world_b, "sharing_detail", grant_id=grant.pk)).status_code == 404
    assert other.post(sharing(world_b, "sharing_detail", grant_id=grant.pk), {"reason": "x"}).status_code == 404
    item = f"partnership.agency:{world_a.school.pk}"
    assert other.get(sharing(world_b, "sharing_create") + f"?item={item}").status_code == 404
    grant.refresh_from_db()
    assert grant.revoked_at is None


def test_the_grant_list_keeps_a_fixed_number_of_queries(
    client_for, world_a, world_b, forum, django_assert_max_num_queries
):
    for _ in range(3):
        share_school_with_bravo_observer(world_a, world_b, forum)
    bm = client_for(world_a.bm)
    bm.get(sharing(world_a))
    with django_assert_max_num_queries(14):
        assert bm.get(sharing(world_a)).status_code == 200
    for _ in range(10):
        share_school_with_bravo_observer(world_a, world_b, forum)
    with django_assert_max_num_queries(14):
        assert bm.get(sharing(world_a)).status_code == 200


def test_a_learning_review_can_be_shared_without_its_case_material(client_for, world_a, world_b, forum):
    from tests.reviews.learning_review_factories import learning_review_make

    review = learning_review_make(world_a)
    grant = access_grant_create(
        partnership=world_a.partnership,
        actor=world_a.bm,
        item=review,
        grantee_email=world_b.observer.person.email,
        fields=["title", "methodology"],
        ends_on=timezone.localdate() + timedelta(days=7),
        purpose="Learning from a neighbour",
        collaboration=forum,
    )
    html = client_for(world_b.observer.person).get(shared_item(grant)).content.decode()
    assert review.title in html
    assert review.scope not in html
    with pytest.raises(ValidationError):
        access_grant_create(
            partnership=world_a.partnership,
            actor=world_a.bm,
            item=review,
            grantee_email=world_b.observer.person.email,
            fields=["lead_author"],
            ends_on=timezone.localdate() + timedelta(days=7),
            purpose="x",
            collaboration=forum,
        )


def test_roles_of_grantee_do_not_matter_only_the_person(world_a, world_b, forum):
    # A second Bravo member with the same partnership gets nothing from the observer's grant.
    share_school_with_bravo_observer(world_a, world_b, forum)
    other = membership_make(
        partnership=world_b.partnership, agency=world_b.school, roles=[Role.OBSERVER], email="o2@bravo.example"
    )
    assert list(access_grants_in_force_for(person=other.person)) == []
