"""Service accounts: a partnership's own systems use the API with tokens a business manager issues."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from partnership.models import ApiToken, HistoryEntry, Membership, Role
from partnership.services.access import service_account_create, service_account_token_issue
from tests.factories import api_token_key

pytestmark = pytest.mark.django_db


def api(key: str | None = None) -> APIClient:
    client = APIClient()
    if key:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def api_url(world, name: str, **kwargs) -> str:
    return reverse(f"api:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def page_url(world, name: str, **kwargs) -> str:
    return reverse(f"partnership:{name}", kwargs={"slug": world.partnership.slug, **kwargs})


def make_account(world, roles=(Role.PRACTITIONER,), agency=None) -> Membership:
    return service_account_create(
        partnership=world.partnership,
        actor=world.bm,
        name="Case management system",
        agency=agency or world.council,
        roles=list(roles),
    )


# --- Services ---------------------------------------------------------------------------------


def test_a_service_account_has_no_password_and_cannot_sign_in(world_a):
    account = make_account(world_a)
    person = account.person
    assert person.is_service_account
    assert not person.has_usable_password()
    assert person.email.endswith(".invalid")
    response = Client().post(reverse("account:login"), {"username": person.email, "password": ""})
    assert "_auth_user_id" not in response.client.session


def test_its_token_acts_with_its_roles_only(world_a):
    account = make_account(world_a, roles=[Role.PRACTITIONER])
    issued = service_account_token_issue(
        partnership=world_a.partnership,
        actor=world_a.bm,
        membership=account,
        name="Production",
        actor_passed_second_factor=True,
    )
    client = api(issued.key)
    assert client.get(api_url(world_a, "agency_list")).status_code == 200
    assert client.get(api_url(world_a, "member_list")).status_code == 403
    entry = HistoryEntry.objects.filter(partnership=world_a.partnership, changes__has_key="API token").get()
    assert entry.actor == world_a.bm


def test_a_token_for_a_second_factor_role_needs_the_issuers_second_factor(world_a):
    account = make_account(world_a, roles=[Role.BUSINESS_MANAGER])
    with pytest.raises(ValidationError):
        service_account_token_issue(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=account,
            name="x",
            actor_passed_second_factor=False,
        )
    issued = service_account_token_issue(
        partnership=world_a.partnership, actor=world_a.bm, membership=account, name="x", actor_passed_second_factor=True
    )
    assert api(issued.key).get(api_url(world_a, "member_list")).status_code == 200


def test_only_a_business_manager_issues_and_only_for_service_accounts(world_a):
    account = make_account(world_a)
    with pytest.raises(ValidationError, match="Only a business manager"):
        service_account_token_issue(
            partnership=world_a.partnership,
            actor=world_a.la_lead.person,
            membership=account,
            name="x",
            actor_passed_second_factor=True,
        )
    with pytest.raises(ValidationError, match="service accounts only"):
        service_account_token_issue(
            partnership=world_a.partnership,
            actor=world_a.bm,
            membership=world_a.practitioner,
            name="x",
            actor_passed_second_factor=True,
        )
    with pytest.raises(ValidationError, match="Only a business manager"):
        service_account_create(
            partnership=world_a.partnership,
            actor=world_a.lay_member.person,
            name="x",
            agency=world_a.council,
            roles=[Role.PRACTITIONER],
        )
    assert not ApiToken.objects.exists()


def test_roles_are_checked_against_the_agency(world_a):
    with pytest.raises(ValidationError) as excinfo:
        make_account(world_a, roles=[Role.PARTNER_LEAD_POLICE], agency=world_a.school)
    assert "roles" in excinfo.value.message_dict
    assert not Membership.objects.filter(person__is_service_account=True).exists()


# --- Pages ------------------------------------------------------------------------------------


def test_pages_add_an_account_and_issue_a_token_shown_once(client_for, world_a):
    bm = client_for(world_a.bm)
    assert bm.get(page_url(world_a, "member_list")).status_code == 200
    refused = bm.post(page_url(world_a, "service_account_create"), {"name": "", "agency": world_a.council.pk})
    assert refused.status_code == 400
    assert {"name", "roles"} <= set(refused.context["form"].errors)
    created = bm.post(
        page_url(world_a, "service_account_create"),
        {"name": "Reporting warehouse", "agency": world_a.council.pk, "roles": [Role.PRACTITIONER]},
    )
    account = Membership.objects.get(person__is_service_account=True)
    assert created.status_code == 302
    detail = bm.get(created.url).content.decode()
    assert "Service account" in detail
    assert "Issue a token" in detail

    issue = page_url(world_a, "service_account_token_create", membership_id=account.pk)
    bad = bm.post(issue, {"token-name": "", "token-days": "12"})
    assert bad.status_code == 400
    assert set(bad.context["token_form"].errors) == {"name", "days"}
    good = bm.post(issue, {"token-name": "Nightly load", "token-days": "365"})
    key = good.context["issued_token"].key
    assert key in good.content.decode()
    assert ApiToken.objects.get().second_factor_passed  # vouched for by the verified business manager
    assert key not in bm.get(page_url(world_a, "member_detail", membership_id=account.pk)).content.decode()
    assert api(key).get(api_url(world_a, "agency_list")).status_code == 200


def test_pages_refuse_other_roles_and_other_partnerships(client_for, world_a, world_b):
    account = make_account(world_a)
    issue = page_url(world_a, "service_account_token_create", membership_id=account.pk)
    lead = client_for(world_a.la_lead.person)
    assert lead.get(page_url(world_a, "service_account_create")).status_code == 403
    assert lead.post(issue, {"token-name": "x", "token-days": "30"}).status_code == 403
    other = client_for(world_b.bm)
    assert other.get(page_url(world_a, "service_account_create")).status_code == 404
    assert (
        other.post(
            page_url(world_b, "service_account_token_create", membership_id=account.pk),
            {"token-name": "x", "token-days": "30"},
        ).status_code
        == 404
    )
    # A person's page offers no token form: people make their own tokens.
    page = client_for(world_a.bm).post(
        page_url(world_a, "service_account_token_create", membership_id=world_a.practitioner.pk),
        {"token-name": "x", "token-days": "30"},
    )
    assert page.status_code == 400
    assert not ApiToken.objects.exists()


# --- API --------------------------------------------------------------------------------------


def test_api_adds_an_account_issues_lists_and_revokes_its_token(world_a):
    bm = api(api_token_key(world_a.bm))
    created = bm.post(
        api_url(world_a, "service_account_list"),
        {"name": "Case system", "agency": world_a.council.pk, "roles": [Role.PRACTITIONER]},
        format="json",
    )
    assert created.status_code == 201
    account_id = created.json()["id"]
    assert [m["id"] for m in bm.get(api_url(world_a, "service_account_list")).json()["results"]] == [account_id]

    issued = bm.post(
        api_url(world_a, "member_api_token_list", membership_id=account_id), {"name": "Prod", "days": 30}, format="json"
    )
    assert issued.status_code == 201
    key = issued.json()["key"]
    token_id = issued.json()["token"]["id"]
    assert api(key).get(api_url(world_a, "agency_list")).status_code == 200
    listed = bm.get(api_url(world_a, "member_api_token_list", membership_id=account_id)).json()["results"]
    assert [t["id"] for t in listed] == [token_id]
    assert "key" not in listed[0]

    revoked = bm.post(api_url(world_a, "member_api_token_revoke", membership_id=account_id, token_id=token_id))
    assert revoked.status_code == 200
    assert revoked.json()["is_live"] is False
    assert api(key).get(api_url(world_a, "agency_list")).status_code == 401


def test_api_bad_input_is_400_with_field_errors(world_a, world_b):
    bm = api(api_token_key(world_a.bm))
    response = bm.post(
        api_url(world_a, "service_account_list"), {"name": "", "agency": world_b.council.pk, "roles": []}, format="json"
    )
    assert response.status_code == 400
    assert {"name", "agency", "roles"} <= set(response.json())
    account = make_account(world_a)
    response = bm.post(
        api_url(world_a, "member_api_token_list", membership_id=account.pk), {"name": "", "days": 7}, format="json"
    )
    assert response.status_code == 400
    assert {"name", "days"} <= set(response.json())
    person = bm.post(
        api_url(world_a, "member_api_token_list", membership_id=world_a.practitioner.pk), {"name": "x"}, format="json"
    )
    assert person.status_code == 400


def test_api_refuses_other_roles_and_other_partnerships(world_a, world_b):
    account = make_account(world_a)
    token = service_account_token_issue(
        partnership=world_a.partnership, actor=world_a.bm, membership=account, name="x", actor_passed_second_factor=True
    ).token
    practitioner = api(api_token_key(world_a.practitioner.person, second_factor_passed=False))
    assert practitioner.get(api_url(world_a, "service_account_list")).status_code == 403
    assert (
        practitioner.post(
            api_url(world_a, "member_api_token_list", membership_id=account.pk), {"name": "x"}
        ).status_code
        == 403
    )
    other = api(api_token_key(world_b.bm))
    for url in (
        api_url(world_a, "service_account_list"),
        api_url(world_b, "member_api_token_list", membership_id=account.pk),
        api_url(world_b, "member_api_token_revoke", membership_id=account.pk, token_id=token.pk),
    ):
        method = other.post if url.endswith("revoke/") else other.get
        assert method(url).status_code == 404, url
    token.refresh_from_db()
    assert token.revoked_at is None
