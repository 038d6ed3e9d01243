"""In a real browser: a business manager corrects a child's misspelt name from the identities page, then adds a
second child. Every page is axe-checked on the way."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reviews.models import Child, IdentityView
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_incident_browser import _sign_in_with_code
from tests.factories import World
from tests.reviews.factories import CHILD_NAME, rapid_review_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_business_manager_corrects_a_name_and_adds_a_child(page: Page, base_url, axe):
    world = World("Alpha")
    review = rapid_review_make(world)
    slug = world.partnership.slug
    _sign_in_with_code(page, base_url, world.bm)

    page.goto(
        f"{base_url}{reverse('reviews:rapid_review_detail', kwargs={'slug': slug, 'rapid_review_id': review.pk})}"
    )
    page.get_by_role("button", name="Show identities").click()
    page.get_by_role("link", name="Correct Child A's identity").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Correct Child A's identity")
    expect(page.get_by_label("Full name")).to_have_value(CHILD_NAME)
    assert_accessible(axe, page, label="correct a child's identity")
    assert IdentityView.objects.filter(context__startswith="Correction form").count() == 1

    page.get_by_label("Full name").fill("Jordan Correctedname")
    page.get_by_label("Date of birth (optional)").fill("2099-01-01")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator(".error-summary")).to_contain_text("The date of birth cannot be in the future.")
    expect(page.get_by_label("Full name")).to_have_value("Jordan Correctedname")
    assert_accessible(axe, page, label="correct a child's identity, with errors")

    page.get_by_label("Date of birth (optional)").fill("2015-03-28")
    page.get_by_role("button", name="Save the correction").click()
    expect(page.locator("body")).to_contain_text("Saved the correction to Child A's identity.")
    assert Child.objects.get(incident=review.incident).name == "Jordan Correctedname"

    page.get_by_role("button", name="Show identities").click()
    expect(page.get_by_test_id("identities")).to_contain_text("Jordan Correctedname")
    page.get_by_role("link", name="Add a child").click()
    assert_accessible(axe, page, label="add a child")
    page.get_by_label("Full name").fill("Riley Addedchild")
    page.get_by_role("button", name="Add Child B").click()
    expect(page.get_by_test_id("children")).to_have_text("Child A, Child B")
    expect(page.locator("body")).not_to_contain_text("Riley Addedchild")
