"""API tokens and sharing in a real browser: made, shown once, used, revoked; every page checked with axe."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from partnership.models import AccessGrant, AccessGrantView, ApiToken, Collaboration
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make

pytestmark = pytest.mark.django_db(transaction=True)


def pass_second_factor(page: Page, code: str) -> None:
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()


def test_a_business_manager_makes_a_token_uses_it_and_a_colleague_revokes_it(page: Page, base_url, axe):
    world = World("Alpha")
    static_code_make(world.bm, code="24681357")
    sign_in(page, base_url, world.bm.email)
    pass_second_factor(page, "24681357")

    page.goto(f"{base_url}/account/api-token/")
    expect(page.get_by_text("You do not have an API token.")).to_be_visible()
    page.get_by_role("button", name="Create a token").click()  # nothing filled in: errors beside the fields
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="api tokens with errors")

    page.get_by_label("What will use it").fill("Power BI report")
    page.get_by_label("30 days").check()
    page.get_by_role("button", name="Create a token").click()
    key = page.get_by_test_id("new-api-token").locator("code").first.inner_text()
    assert re.fullmatch(r"[0-9a-f]{40}", key)
    assert_accessible(axe, page, label="api tokens with a new key")

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(f"/api/v1/partnerships/{world.partnership.slug}/members/").status_code == 200

    page.goto(f"{base_url}/account/api-token/")
    expect(page.get_by_test_id("api-tokens")).to_contain_text("Power BI report")
    assert key not in page.content()

    # The business manager's own member page shows the token with its last use, and revokes it.
    page.goto(f"{base_url}/p/{world.partnership.slug}/manage/members/{world.business_manager.pk}/")
    tokens = page.get_by_test_id("member-api-tokens")
    expect(tokens).to_contain_text("Power BI report")
    expect(tokens).not_to_contain_text("Never")
    assert_accessible(axe, page, label="member page with tokens")
    page.once("dialog", lambda dialog: dialog.accept())
    tokens.get_by_role("button", name="Revoke Power BI report").click()
    expect(page.get_by_text("The token is revoked.")).to_be_visible()
    assert client.get(f"/api/v1/partnerships/{world.partnership.slug}/members/").status_code == 401
    assert ApiToken.objects.get().revoked_reason == "Revoked by a business manager"

    # A service account for the partnership's own reporting system, and its token.
    page.goto(f"{base_url}/p/{world.partnership.slug}/manage/members/")
    page.get_by_role("link", name="Add a service account").click()
    assert_accessible(axe, page, label="add a service account")
    page.get_by_role("button", name="Add the service account").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="add a service account with errors")
    page.get_by_label("Name of the program").fill("Reporting warehouse")
    page.get_by_label("Practitioner").check()
    page.get_by_role("button", name="Add the service account").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reporting warehouse")
    page.get_by_label("Token name").fill("Nightly load")
    page.get_by_role("button", name="Issue a token").click()
    service_key = page.get_by_test_id("new-api-token").locator("code").first.inner_text()
    assert_accessible(axe, page, label="service account with a new token")
    service = APIClient()
    service.credentials(HTTP_AUTHORIZATION=f"Token {service_key}")
    assert service.get(f"/api/v1/partnerships/{world.partnership.slug}/agencies/").status_code == 200


def test_sharing_an_item_with_a_neighbouring_partnerships_observer(page: Page, base_url, axe):
    alpha, bravo = World("Alpha"), World("Bravo")
    forum = Collaboration.objects.create(name="Tri-borough forum", slug="tri-borough")
    forum.partnerships.add(alpha.partnership, bravo.partnership)
    static_code_make(alpha.bm, code="11223344")
    sign_in(page, base_url, alpha.bm.email)
    pass_second_factor(page, "11223344")

    page.goto(f"{base_url}/p/{alpha.partnership.slug}/manage/settings/")
    page.get_by_role("link", name="sharing").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sharing")
    assert_accessible(axe, page, label="sharing list")
    page.get_by_role("button", name="Continue").click()  # no item chosen
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="sharing list with errors")
    page.get_by_label("What to share").select_option(label="Alpha Primary School")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Share Alpha Primary School")
    page.get_by_role("button", name="Share").click()  # nothing filled in
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="share form with errors")

    page.get_by_label("Name").check()
    page.get_by_label("Email address of the person").fill(bravo.observer.person.email)
    page.get_by_label("Shared through").select_option(label="Tri-borough forum")
    page.get_by_label("Sharing ends on").fill("2099-01-01")  # refused: more than a year ahead
    page.get_by_label("Why it is shared").fill("Hub cycle on exploitation")
    page.get_by_role("button", name="Share").click()
    expect(page.locator("#id_ends_on-error")).to_contain_text("a year at most")
    assert not AccessGrant.objects.exists()
    page.get_by_label("Sharing ends on").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Share").click()
    expect(page.get_by_test_id("sharing-table")).to_contain_text("In force")
    grant = AccessGrant.objects.get()

    # The observer of Bravo signs in and sees only the name.
    page.context.clear_cookies()  # signed out
    sign_in(page, base_url, bravo.observer.person.email)
    page.goto(f"{base_url}/account/shared/")
    assert_accessible(axe, page, label="shared with you")
    page.get_by_role("link", name="Alpha Primary School").click()
    expect(page.get_by_test_id("shared-fields")).to_contain_text("Alpha Primary School")
    expect(page.get_by_test_id("shared-fields")).not_to_contain_text("Type")
    assert_accessible(axe, page, label="shared item")
    assert AccessGrantView.objects.filter(grant=grant, person=bravo.observer.person).count() == 1
