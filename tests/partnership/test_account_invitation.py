"""Accepting an invitation: newcomers choose a password, existing accounts sign in first."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partnership.models import Invitation, Membership, Person, Role
from partnership.services import invitation_create, invitation_revoke
from tests.factories import TEST_PASSWORD

NEW_PASSWORD = "a quiet orchard in november"


def invite(world, *, email: str = "new.person@alpha.example", full_name: str = "New Person", roles=None):
    invitation, token = invitation_create(
        partnership=world.partnership,
        actor=world.bm,
        email=email,
        full_name=full_name,
        agency=world.school,
        roles=roles or [Role.PRACTITIONER, Role.AGENCY_LEAD],
    )
    return invitation, reverse("account:invitation_accept", kwargs={"token": token})


def newcomer_post(
    client: Client, url: str, *, full_name: str = "New Person", password: str = NEW_PASSWORD, confirm: str | None = None
):
    return client.post(url, {"full_name": full_name, "password": password, "password_confirm": confirm or password})


def test_newcomer_sees_the_invitation_and_a_prefilled_name(client, world_a):
    _, url = invite(world_a)
    response = client.get(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Join Alpha Safeguarding Partnership" in html
    assert "Alpha Primary School" in html
    assert "Practitioner" in html
    assert "Agency lead" in html
    assert 'value="New Person"' in html
    assert '<label class="label" for="id_password">Choose a password</label>' in html


def test_newcomer_sets_password_joins_with_invited_roles_and_can_sign_in(client, world_a):
    invitation, url = invite(world_a)
    response = newcomer_post(client, url, full_name="Nia Person")
    assert response.status_code == 302
    assert response.url == reverse("partnership:home", kwargs={"slug": "alpha-scp"})
    person = Person.objects.get(email="new.person@alpha.example")
    assert person.full_name == "Nia Person"
    membership = Membership.objects.get(person=person, partnership=world_a.partnership)
    assert membership.agency == world_a.school
    assert membership.role_set == {Role.PRACTITIONER, Role.AGENCY_LEAD}
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    # Signed in at once, welcomed, and in.
    home = client.get(response.url)
    assert home.status_code == 200
    assert "Welcome to Alpha Safeguarding Partnership." in home.content.decode()
    # And the new password works from a fresh browser.
    fresh = Client().post(reverse("account:login"), {"username": "new.person@alpha.example", "password": NEW_PASSWORD})
    assert fresh.status_code == 302


def test_newcomer_with_second_factor_role_is_sent_to_setup(client, world_a):
    _, url = invite(world_a, email="new.bm@alpha.example", roles=[Role.BUSINESS_MANAGER])
    landing = newcomer_post(client, url)
    response = client.get(landing.url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account:two_factor_setup"))


def test_weak_password_is_refused_next_to_the_field_and_the_name_is_kept(client, world_a):
    invitation, url = invite(world_a)
    response = newcomer_post(client, url, full_name="Kept Name", password="password")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_password-error"' in html
    assert "too short" in html
    assert 'href="#id_password"' in html
    assert 'value="Kept Name"' in html
    assert not Person.objects.filter(email="new.person@alpha.example").exists()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


def test_mismatched_passwords_and_missing_name_are_explained(client, world_a):
    _, url = invite(world_a)
    html = newcomer_post(client, url, full_name="", confirm="something else entirely").content.decode()
    assert 'id="id_password_confirm-error"' in html
    assert "The two passwords do not match." in html
    assert "Enter your full name." in html
    assert not Person.objects.filter(email="new.person@alpha.example").exists()


def expire(invitation, world):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))


def revoke(invitation, world):
    invitation_revoke(partnership=world.partnership, actor=world.bm, invitation=invitation)


@pytest.mark.parametrize("spoil", [expire, revoke])
def test_expired_or_revoked_link_gives_a_404_page(client, world_a, spoil):
    invitation, url = invite(world_a)
    spoil(invitation, world_a)
    for response in (client.get(url), newcomer_post(client, url)):
        assert response.status_code == 404
        assert "This invitation link has expired or has been used" in response.content.decode()
    assert not Person.objects.filter(email="new.person@alpha.example").exists()


def test_used_link_gives_a_404_page(client, world_a):
    _, url = invite(world_a)
    newcomer_post(client, url)
    response = Client().get(url)
    assert response.status_code == 404
    assert "Ask the business manager" in response.content.decode()


def test_made_up_token_gives_a_404_page(client, db):
    response = client.get(reverse("account:invitation_accept", kwargs={"token": "not-a-real-token"}))
    assert response.status_code == 404
    assert "This invitation link has expired or has been used" in response.content.decode()


# --- Someone who already has an account ------------------------------------------------


@pytest.fixture
def bravo_practitioner_invited_to_alpha(world_a, world_b):
    person = world_b.practitioner.person
    invitation, url = invite(world_a, email=person.email, full_name=person.full_name, roles=[Role.PRACTITIONER])
    return person, invitation, url


def test_existing_account_not_signed_in_is_asked_to_sign_in_first(client, bravo_practitioner_invited_to_alpha):
    person, _, url = bravo_practitioner_invited_to_alpha
    html = client.get(url).content.decode()
    assert "You already have a Learning Loop account with practitioner@bravo.example." in html
    assert f'href="{reverse("account:login")}?next=%2Faccount%2Finvitation%2F' in html
    assert 'name="password"' not in html  # nobody can set this account's password from the link
    newcomer_post(client, url)  # a forged newcomer form changes nothing
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)
    assert not Membership.objects.filter(person=person, partnership__slug="alpha-scp").exists()


def test_existing_account_signed_in_accepts_with_a_button(client_for, bravo_practitioner_invited_to_alpha):
    person, _invitation, url = bravo_practitioner_invited_to_alpha
    client = client_for(person)
    html = client.get(url).content.decode()
    assert "Accept invitation" in html
    response = client.post(url)
    assert response.status_code == 302
    assert response.url == reverse("partnership:home", kwargs={"slug": "alpha-scp"})
    membership = Membership.objects.get(person=person, partnership__slug="alpha-scp")
    assert membership.role_set == {Role.PRACTITIONER}
    # Still a member of Bravo too, with the same password.
    assert Membership.objects.filter(person=person, partnership__slug="bravo-scp", is_active=True).exists()
    person.refresh_from_db()
    assert person.check_password(TEST_PASSWORD)
    assert "Welcome to Alpha Safeguarding Partnership." in client.get(response.url).content.decode()


def test_someone_else_signed_in_cannot_accept_another_persons_invitation(
    client_for, world_a, bravo_practitioner_invited_to_alpha
):
    person, invitation, url = bravo_practitioner_invited_to_alpha
    intruder = client_for(world_a.bm)
    html = intruder.get(url).content.decode()
    assert "You are signed in as bm@alpha.example, but this invitation is for practitioner@bravo.example." in html
    assert "Accept invitation" not in html
    intruder.post(url)
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING
    assert not Membership.objects.filter(person=person, partnership__slug="alpha-scp").exists()


def test_member_of_another_partnership_gains_nothing_from_anothers_newcomer_link(client_for, world_a, world_b):
    _, url = invite(world_a)
    client = client_for(world_b.bm)
    # The link is for a newcomer: following it creates that newcomer, never a membership for the signed-in person.
    newcomer_post(client, url)
    assert not Membership.objects.filter(person=world_b.bm, partnership=world_a.partnership).exists()
    assert Membership.objects.filter(person__email="new.person@alpha.example", partnership=world_a.partnership).exists()
