"""In a real browser: a business manager records an incident, sees the review, shows identities; a practitioner's
return saves as they type (htmx autosave) and is submitted. Every page is axe-checked on the way."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reviews.models import IdentityView, InformationRequest, SeriousIncident
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make
from tests.reviews.factories import information_request_make, rapid_review_make

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_with_code(page: Page, base_url: str, person) -> None:
    static_code_make(person, code="24681357")
    sign_in(page, base_url, person.email)
    page.get_by_label("Security code").fill("24681357")
    page.get_by_role("button", name="Continue").click()


def test_a_business_manager_records_an_incident(page: Page, base_url, axe):
    world = World("Alpha")
    slug = world.partnership.slug
    _sign_in_with_code(page, base_url, world.bm)

    page.goto(f"{base_url}{reverse('reviews:incident_create', kwargs={'slug': slug})}")
    assert_accessible(axe, page, label="record an incident")
    page.get_by_role("button", name="Record the incident and open the rapid review").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="record an incident, with errors")

    page.get_by_label("Date of the incident").fill("2023-05-01")
    page.get_by_label("Date the local authority became aware").fill("2023-05-02")
    page.get_by_label("Date the national Panel was notified").fill("2023-05-03")
    page.get_by_label("Serious harm").check()
    page.get_by_label("Referring agency").select_option(label=world.council.name)
    page.get_by_label(world.police.name).check()
    page.locator("#id_children-0-name").fill("Jordan Browserchild")
    page.get_by_role("button", name="Record the incident and open the rapid review").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Rapid review SI-2023-001")
    expect(page.get_by_test_id("children")).to_have_text("Child A")
    expect(page.locator("body")).not_to_contain_text("Jordan Browserchild")
    expect(page.get_by_test_id("timeline")).to_contain_text("25 May 2023")
    assert_accessible(axe, page, label="rapid review")

    page.get_by_role("button", name="Show identities").click()
    expect(page.get_by_test_id("identities")).to_contain_text("Jordan Browserchild")
    assert_accessible(axe, page, label="identities")
    assert IdentityView.objects.filter(viewer=world.bm).count() == 1

    for label, name in (("rapid reviews", "rapid_review_list"), ("identity log", "identity_log")):
        page.goto(f"{base_url}{reverse(f'reviews:{name}', kwargs={'slug': slug})}")
        assert_accessible(axe, page, label=label)
    review = SeriousIncident.objects.get().rapid_review
    page.goto(f"{base_url}{reverse('reviews:request_create', kwargs={'slug': slug, 'rapid_review_id': review.pk})}")
    assert_accessible(axe, page, label="ask agencies")


def test_a_practitioners_return_saves_as_they_type_and_is_submitted(page: Page, base_url, axe):
    world = World("Alpha")
    request = information_request_make(world, rapid_review=rapid_review_make(world))
    sign_in(page, base_url, world.practitioner.person.email)
    detail = reverse("reviews:request_detail", kwargs={"slug": world.partnership.slug, "request_id": request.pk})
    page.goto(f"{base_url}{detail}")
    assert_accessible(axe, page, label="return")

    involvement = page.get_by_label("Involvement with the child and family")
    involvement.press_sequentially("Seen at school daily.")
    status = page.get_by_test_id("autosave-status")
    expect(status).to_contain_text(re.compile(r"Draft saved at \d\d:\d\d"))
    assert InformationRequest.objects.get(pk=request.pk).involvement == "Seen at school daily."

    # A second burst of typing saves again: the first answer moved the form's version on.
    page.get_by_label("Good practice").press_sequentially("Quick referral.")
    expect(page.get_by_label("Good practice")).to_have_value("Quick referral.")
    for _ in range(50):
        if InformationRequest.objects.get(pk=request.pk).good_practice == "Quick referral.":
            break
        page.wait_for_timeout(100)
    assert InformationRequest.objects.get(pk=request.pk).good_practice == "Quick referral."
    expect(status).not_to_contain_text("Not saved")

    page.get_by_role("button", name="Submit the return").click()
    expect(page.get_by_test_id("request-state")).to_have_text("Submitted")
    expect(page.get_by_test_id("answers")).to_contain_text("Seen at school daily.")
    assert_accessible(axe, page, label="submitted return")
