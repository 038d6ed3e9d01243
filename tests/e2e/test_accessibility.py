"""axe checks of the main pages, as a business manager would see them (forms with errors included)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page

from partnership.services import invitation_create
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import AgencyFactory, World, static_code_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_sign_in_pages_are_accessible(page: Page, base_url, axe):
    page.goto(f"{base_url}/account/login/")
    assert_accessible(axe, page, label="sign in")
    page.get_by_role("button", name="Sign in").click()  # empty form: the error state
    assert_accessible(axe, page, label="sign in with errors")
    page.goto(f"{base_url}/account/password-reset/")
    assert_accessible(axe, page, label="password reset")


def test_second_factor_setup_is_accessible(page: Page, base_url, axe):
    world = World("Alpha")
    sign_in(page, base_url, world.bm.email)
    assert "/account/two-factor/setup/" in page.url
    assert_accessible(axe, page, label="second factor setup")


def test_main_pages_are_accessible(page: Page, base_url, axe):
    world = World("Alpha")
    invitation_create(
        partnership=world.partnership,
        actor=world.bm,
        email="pending@alpha.example",
        full_name="Pending Person",
        agency=world.school,
        roles=["practitioner"],
    )
    # Enough agencies and invitations for a second page of each, so that the page links are checked too.
    for n in range(25):
        AgencyFactory(partnership=world.partnership, name=f"Alpha School {n:02}")
        invitation_create(
            partnership=world.partnership,
            actor=world.bm,
            email=f"invitee{n:02}@alpha.example",
            full_name=f"Invitee {n:02}",
            agency=world.school,
            roles=["practitioner"],
        )
    static_code_make(world.bm, code="13572468")
    sign_in(page, base_url, world.bm.email)
    assert_accessible(axe, page, label="second factor verify")
    page.get_by_label("Security code").fill("13572468")
    page.get_by_role("button", name="Continue").click()

    slug = world.partnership.slug
    pages = {
        "partnership home": reverse("partnership:home", kwargs={"slug": slug}),
        "agencies": reverse("partnership:agency_list", kwargs={"slug": slug}),
        "new agency": reverse("partnership:agency_create", kwargs={"slug": slug}),
        "agency": reverse("partnership:agency_detail", kwargs={"slug": slug, "agency_id": world.school.pk}),
        "members": reverse("partnership:member_list", kwargs={"slug": slug}),
        "agencies, page 2": reverse("partnership:agency_list", kwargs={"slug": slug}) + "?page=2",
        "members, invitations page 2": reverse("partnership:member_list", kwargs={"slug": slug})
        + "?invitations_page=2",
        "member": reverse("partnership:member_detail", kwargs={"slug": slug, "membership_id": world.practitioner.pk}),
        "invite": reverse("partnership:invitation_create", kwargs={"slug": slug}),
        "settings": reverse("partnership:settings", kwargs={"slug": slug}),
        "working days": reverse("partnership:working_days", kwargs={"slug": slug}) + "?start=2026-12-18&days=5",
        "api token": reverse("account:api_token"),
    }
    for label, path in pages.items():
        response = page.goto(f"{base_url}{path}")
        assert response.status == 200, f"{label} answered {response.status}"
        assert_accessible(axe, page, label=label)

    # Error states: an empty invitation and a bad agency.
    page.goto(f"{base_url}{pages['invite']}")
    page.get_by_role("button", name="Send invitation").click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(axe, page, label="invite with errors")
    page.goto(f"{base_url}{pages['new agency']}")
    page.locator("form button[type=submit]").last.click()
    assert page.locator(".error-summary").is_visible()
    assert_accessible(axe, page, label="new agency with errors")


def test_the_accessibility_check_catches_a_violation(page: Page, axe):
    # Guards the guard: an unlabelled field and an image without alt text must fail the check.
    page.set_content('<html lang="en"><body><main><input type="text"><img src="x.png"></main></body></html>')
    with pytest.raises(AssertionError, match=r"label|image-alt"):
        assert_accessible(axe, page, label="a deliberately broken page")
