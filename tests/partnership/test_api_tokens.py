"""API tokens act only within what a fully verified sign-in would allow, at the time of each request.

A token belongs to one person in one partnership. It stands in for the second
factor only if the session that issued it had passed it, after the person's
access there last changed; role grants, deactivation, reactivation, a password
reset and a second-factor reset void it; it expires; managers can revoke it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from partnership.api.base import OUTDATED_KEY_REFUSED
from partnership.models import ApiToken, HistoryEntry, Membership, Role
from partnership.services import membership_deactivate, membership_reactivate, membership_update
from partnership.services.access import api_token_issue
from tests.factories import TEST_PASSWORD, api_token_key, membership_make, totp_device_make

pytestmark = pytest.mark.django_db

API_TOKEN_PAGE = reverse("account:api_token")
NOT_FOUND = {"detail": "Not found."}


def api(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def url(world, name: str = "partnership_detail", **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def live(person) -> list[ApiToken]:
    return list(ApiToken.objects.filter(person=person, revoked_at__isnull=True))


def sign_in_with_password(person) -> Client:
    client = Client()
    response = client.post(reverse("account:login"), {"username": person.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    return client


# --- The sequence the probe found ------------------------------------------------------


def test_deactivated_business_manager_cannot_carry_a_password_only_token_back_in(world_a, world_b):
    """Deactivate, sign in with a password alone, make a token, be reactivated, use it: refused at every step."""
    bm = world_a.business_manager
    person = bm.person
    totp_device_make(person)
    # Also a practitioner in Bravo: with the Alpha role gone, nothing asks this person for a second factor.
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    second_bm = membership_make(
        partnership=world_a.partnership,
        agency=world_a.council,
        roles=[Role.BUSINESS_MANAGER],
        email="bm2@alpha.example",
    )
    membership_deactivate(partnership=world_a.partnership, actor=second_bm.person, membership=bm)

    client = sign_in_with_password(person)
    assert "_auth_user_id" in client.session  # signed in without a second factor

    # The page offers only active memberships: Alpha cannot be chosen; a forged choice is refused beside the field.
    page = client.get(API_TOKEN_PAGE)
    assert world_b.partnership.name in page.content.decode()
    assert f'value="{world_a.partnership.slug}"' not in page.content.decode()
    forged = client.post(
        API_TOKEN_PAGE, {"action": "create", "partnership": world_a.partnership.slug, "name": "x", "days": "90"}
    )
    assert forged.status_code == 400
    assert "partnership" in forged.context["form"].errors
    made = client.post(
        API_TOKEN_PAGE, {"action": "create", "partnership": world_b.partnership.slug, "name": "Sheet", "days": "90"}
    )
    key = made.context["issued"].key
    assert not made.context["issued"].token.second_factor_passed

    membership_reactivate(partnership=world_a.partnership, actor=second_bm.person, membership=bm)

    token = api(key)
    assert token.get(url(world_a, "member_list")).status_code == 404  # a Bravo token is nothing in Alpha
    created = token.post(url(world_a, "agency_list"), {"name": "Youth Justice", "agency_type": "other"}, format="json")
    assert created.status_code == 404
    assert token.get(url(world_b, "agency_list")).status_code == 200  # and still works where it belongs
    # The browser session is sent to the second factor, as before.
    home = client.get(reverse("partnership:home", kwargs={"slug": world_a.partnership.slug}))
    assert home.status_code == 302
    assert reverse("account:two_factor_verify") in home.url


def test_a_token_issued_before_reactivation_is_void_and_would_be_refused_anyway(world_a):
    bm = world_a.business_manager
    key = api_token_key(bm.person)  # issued from a verified session
    assert api(key).get(url(world_a, "member_list")).status_code == 200
    second_bm = membership_make(
        partnership=world_a.partnership,
        agency=world_a.council,
        roles=[Role.BUSINESS_MANAGER],
        email="bm2@alpha.example",
    )

    membership_deactivate(partnership=world_a.partnership, actor=second_bm.person, membership=bm)
    assert api(key).get(url(world_a, "member_list")).status_code == 401  # revoked
    # Even if the row were brought back by hand, the re-check at each request refuses it once reactivated.
    ApiToken.objects.filter(person=bm.person).update(revoked_at=None)
    assert api(key).get(url(world_a, "member_list")).status_code == 404  # deactivated: not a member
    membership_reactivate(partnership=world_a.partnership, actor=second_bm.person, membership=bm)
    assert api(key).get(url(world_a, "member_list")).status_code == 401  # revoked again on reactivation
    ApiToken.objects.filter(person=bm.person).update(revoked_at=None)
    refused = api(key).get(url(world_a, "member_list"))
    assert refused.status_code == 403
    assert refused.json() == {"detail": OUTDATED_KEY_REFUSED}


# --- Second factor, per partnership, at each request --------------------------------------


def test_a_token_issued_without_the_second_factor_does_not_act_for_a_role_that_needs_it(world_a):
    # Issued as for a practitioner (no second factor), then the person is made a business manager.
    practitioner = world_a.practitioner
    key = api_token_key(practitioner.person, second_factor_passed=False)
    assert api(key).get(url(world_a, "agency_list")).status_code == 200

    membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=practitioner,
        agency=practitioner.agency,
        roles=[Role.PRACTITIONER, Role.BUSINESS_MANAGER],
    )
    assert live(practitioner.person) == []
    assert api(key).get(url(world_a, "member_list")).status_code == 401

    ApiToken.objects.filter(person=practitioner.person).update(revoked_at=None)  # the second wall, alone
    response = api(key).get(url(world_a, "member_list"))
    assert response.status_code == 403
    assert response.json() == {"detail": OUTDATED_KEY_REFUSED}


def test_a_verified_token_issued_before_a_role_change_is_refused_for_the_new_roles(world_a):
    lead = world_a.health_lead
    key = api_token_key(lead.person)  # verified
    assert api(key).get(url(world_a)).status_code == 200
    membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=lead,
        agency=world_a.icb,
        roles=[Role.PARTNER_LEAD_HEALTH, Role.SCRUTINEER],
    )
    ApiToken.objects.filter(person=lead.person).update(revoked_at=None)
    assert api(key).get(url(world_a)).status_code == 403
    fresh = api_token_key(lead.person, name="After the change")
    assert api(fresh).get(url(world_a)).status_code == 200


def test_issuing_for_a_role_that_needs_the_second_factor_requires_having_passed_it(world_a):
    with pytest.raises(ValidationError) as excinfo:
        api_token_issue(membership=world_a.business_manager, name="x", second_factor_passed=False)
    assert "partnership" in excinfo.value.message_dict


def test_other_role_changes_keep_the_token(world_a):
    practitioner = world_a.practitioner
    key = api_token_key(practitioner.person, second_factor_passed=False)
    membership_update(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=practitioner,
        agency=practitioner.agency,
        roles=[Role.PRACTITIONER, Role.AGENCY_LEAD],
    )
    assert len(live(practitioner.person)) == 1
    assert api(key).get(url(world_a, "agency_list")).status_code == 200


# --- Lifetime, revocation, last use ----------------------------------------------------


def test_an_expired_token_is_refused(world_a):
    key = api_token_key(world_a.practitioner.person, second_factor_passed=False, days=30)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api(key).get(url(world_a))
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_a_token_of_an_inactive_account_is_refused(world_a):
    person = world_a.practitioner.person
    key = api_token_key(person, second_factor_passed=False)
    person.is_active = False
    person.save(update_fields=["is_active"])
    assert api(key).get(url(world_a)).status_code == 401


def test_only_a_hash_of_the_key_is_stored(world_a):
    key = api_token_key(world_a.practitioner.person, second_factor_passed=False)
    token = ApiToken.objects.get()
    assert key not in {token.key_hash, token.key_prefix, token.name}
    assert token.key_prefix == key[:8]


def test_last_use_is_recorded_and_shown(client_for, world_a):
    person = world_a.practitioner.person
    key = api_token_key(person, second_factor_passed=False, name="Dashboard")
    assert ApiToken.objects.get().last_used_at is None
    api(key).get(url(world_a))
    used = ApiToken.objects.get().last_used_at
    assert used is not None
    api(key).get(url(world_a))
    assert ApiToken.objects.get().last_used_at == used  # not written again within five minutes
    html = client_for(person).get(API_TOKEN_PAGE).content.decode()
    assert "Never" not in html
    assert "Dashboard" in html


def test_a_password_reset_voids_every_token_of_the_person(client, world_a, world_b):
    person = world_a.practitioner.person
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    api_token_key(person, world_a.partnership, second_factor_passed=False)
    api_token_key(person, world_b.partnership, second_factor_passed=False)
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    step = client.get(reverse("account:password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    new_password = "a brand new long passphrase 42"
    done = client.post(step.url, {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    assert live(person) == []
    assert set(ApiToken.objects.filter(person=person).values_list("revoked_reason", flat=True)) == {"Password reset"}


def test_a_business_manager_sees_and_revokes_a_members_token(client_for, world_a):
    practitioner = world_a.practitioner
    key = api_token_key(practitioner.person, second_factor_passed=False, name="Reporting tool")
    token = ApiToken.objects.get()
    bm = client_for(world_a.bm)
    detail = reverse(
        "partnership:member_detail", kwargs={"slug": world_a.partnership.slug, "membership_id": practitioner.pk}
    )
    html = bm.get(detail).content.decode()
    assert "Reporting tool" in html
    assert token.key_prefix in html
    revoke = reverse(
        "partnership:member_api_token_revoke",
        kwargs={"slug": world_a.partnership.slug, "membership_id": practitioner.pk, "token_id": token.pk},
    )
    response = bm.post(revoke, follow=True)
    assert "The token is revoked." in response.content.decode()
    assert api(key).get(url(world_a)).status_code == 401
    entry = HistoryEntry.objects.get(partnership=world_a.partnership, changes__has_key="API token")
    assert entry.actor == world_a.bm


def test_a_manager_of_another_partnership_cannot_revoke_or_see_the_token(client_for, world_a, world_b):
    practitioner = world_a.practitioner
    api_token_key(practitioner.person, second_factor_passed=False)
    token = ApiToken.objects.get()
    other_bm = client_for(world_b.bm)
    # Alpha's member under Bravo's slug, and Alpha's own URL: both are "not found".
    for slug in (world_b.partnership.slug, world_a.partnership.slug):
        revoke = reverse(
            "partnership:member_api_token_revoke",
            kwargs={"slug": slug, "membership_id": practitioner.pk, "token_id": token.pk},
        )
        assert other_bm.post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_a_manager_cannot_revoke_a_token_through_another_members_page(client_for, world_a):
    api_token_key(world_a.practitioner.person, second_factor_passed=False)
    token = ApiToken.objects.get()
    revoke = reverse(
        "partnership:member_api_token_revoke",
        kwargs={"slug": world_a.partnership.slug, "membership_id": world_a.observer.pk, "token_id": token.pk},
    )
    assert client_for(world_a.bm).post(revoke).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


# --- One person, three partnerships, three sets of rights -----------------------------------


@pytest.fixture
def three_roles(world_a, world_b):
    """Business manager in Alpha, practitioner in Bravo, observer in Charlie."""
    from tests.factories import World

    world_c = World("Charlie")
    person = world_a.bm
    membership_make(partnership=world_b.partnership, agency=world_b.school, roles=[Role.PRACTITIONER], person=person)
    membership_make(partnership=world_c.partnership, agency=world_c.school, roles=[Role.OBSERVER], person=person)
    return person, world_c


def test_a_person_with_three_roles_keeps_them_apart_over_pages_api_and_tokens(
    client_for, world_a, world_b, three_roles
):
    person, world_c = three_roles
    worlds = {"alpha": world_a, "bravo": world_b, "charlie": world_c}

    # Pages, signed in and verified.
    pages = client_for(person)
    for label, world in worlds.items():
        members = reverse("partnership:member_list", kwargs={"slug": world.partnership.slug})
        assert pages.get(members).status_code == (200 if label == "alpha" else 403), label

    # API by session.
    session_api = APIClient()
    session_api.force_login(person)
    session_api.cookies.update(pages.cookies)
    for label, world in worlds.items():
        assert session_api.get(url(world, "member_list")).status_code == (200 if label == "alpha" else 403), label

    # Tokens: each acts in its own partnership, with the roles there, and nowhere else.
    keys = {label: api_token_key(person, world.partnership) for label, world in worlds.items()}
    for token_label, key in keys.items():
        client = api(key)
        for label, world in worlds.items():
            members = client.get(url(world, "member_list")).status_code
            agency = client.post(url(world, "agency_list"), {"name": "Y", "agency_type": "other"}, format="json")
            if label != token_label:
                assert (members, agency.status_code) == (404, 404), (token_label, label)
            elif label == "alpha":
                assert (members, agency.status_code) == (200, 201)
            else:
                assert (members, agency.status_code) == (403, 403), label
        listed = client.get(reverse("api:partnership_list")).json()
        assert [p["slug"] for p in listed["results"]] == [worlds[token_label].partnership.slug]


def test_deactivation_in_one_partnership_leaves_the_others_tokens_alone(world_a, world_b, three_roles):
    person, _world_c = three_roles
    alpha_key = api_token_key(person, world_a.partnership)
    bravo_key = api_token_key(person, world_b.partnership)
    bravo = Membership.objects.get(person=person, partnership=world_b.partnership)

    membership_deactivate(partnership=world_b.partnership, actor=world_b.bm, membership=bravo)

    assert api(bravo_key).get(url(world_b)).status_code == 401
    assert api(alpha_key).get(url(world_a, "member_list")).status_code == 200
