"""A business manager can reset a member's lost second factor; the member sets up a new one."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp import devices_for_user

from partnership.models import ApiToken, HistoryEntry
from tests.factories import api_token_key, static_code_make, totp_device_make

pytestmark = pytest.mark.django_db


def reset_url(world, membership) -> str:
    return reverse(
        "partnership:member_reset_second_factor",
        kwargs={"slug": world.partnership.slug, "membership_id": membership.pk},
    )


def test_reset_removes_devices_and_token_and_is_recorded(client_for, world_a):
    lead = world_a.police_lead.person
    totp_device_make(lead)
    static_code_make(lead)
    api_token_key(lead)
    response = client_for(world_a.bm).post(reset_url(world_a, world_a.police_lead))
    assert response.status_code == 302
    assert list(devices_for_user(lead, confirmed=None)) == []
    assert not ApiToken.objects.filter(person=lead, revoked_at__isnull=True).exists()
    entry = HistoryEntry.objects.get(
        partnership=world_a.partnership, object_id=str(world_a.police_lead.pk), changes__has_key="second factor"
    )
    assert entry.actor == world_a.bm


def test_after_reset_the_member_is_sent_to_set_up_again(client, client_for, world_a):
    lead = world_a.police_lead.person
    totp_device_make(lead)
    client_for(world_a.bm).post(reset_url(world_a, world_a.police_lead))
    response = client_for(lead, verified=False).get(
        reverse("partnership:home", kwargs={"slug": world_a.partnership.slug})
    )
    assert "/account/two-factor/setup/" in response["Location"]


def test_a_business_manager_cannot_reset_their_own(client_for, world_a):
    client = client_for(world_a.bm)  # makes the manager's own TOTP device
    response = client.post(reset_url(world_a, world_a.business_manager), follow=True)
    assert "cannot reset your own" in response.content.decode()
    assert list(devices_for_user(world_a.bm, confirmed=True))


def test_only_business_managers_can_reset(client_for, world_a):
    totp_device_make(world_a.practitioner.person)
    response = client_for(world_a.la_lead.person).post(reset_url(world_a, world_a.practitioner))
    assert response.status_code == 403
    assert list(devices_for_user(world_a.practitioner.person, confirmed=True))


def test_another_partnerships_manager_gets_404_and_changes_nothing(client_for, world_a, world_b):
    lead = world_a.police_lead.person
    totp_device_make(lead)
    client = client_for(world_b.bm)
    assert client.post(reset_url(world_a, world_a.police_lead)).status_code == 404
    foreign_id_own_slug = reverse(
        "partnership:member_reset_second_factor",
        kwargs={"slug": world_b.partnership.slug, "membership_id": world_a.police_lead.pk},
    )
    assert client.post(foreign_id_own_slug).status_code == 404
    assert list(devices_for_user(lead, confirmed=True))


def test_member_page_offers_the_reset_only_when_there_is_something_to_reset(client_for, world_a):
    url = reverse(
        "partnership:member_detail", kwargs={"slug": world_a.partnership.slug, "membership_id": world_a.health_lead.pk}
    )
    client = client_for(world_a.bm)
    assert "Reset second factor" not in client.get(url).content.decode()
    totp_device_make(world_a.health_lead.person)
    assert "Reset second factor" in client.get(url).content.decode()
