"""The rapid review meeting, decision, sign-off and timeliness pages in a real browser: axe, keyboard, the
methodology question that shows only for "another learning review"."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reviews.models import RapidReview
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make
from tests.reviews.decision_helpers import decision_record, meeting_held, notified_review, ready_review

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page: Page, base_url: str, person, code: str) -> None:
    static_code_make(person, code=code)
    sign_in(page, base_url, person.email)
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()


def _url(world: World, name: str, review: RapidReview) -> str:
    return reverse(f"reviews:{name}", kwargs={"slug": world.partnership.slug, "rapid_review_id": review.pk})


def test_meeting_and_decision_pages_are_accessible_with_their_refusals(page: Page, base_url, axe):
    world = World("Alpha")
    not_quorate = notified_review(world)
    meeting_held(world, not_quorate)
    review = ready_review(world)
    _signed_in(page, base_url, world.bm, "24681357")

    page.goto(base_url + _url(world, "rapid_review_meeting", not_quorate))
    expect(page.get_by_test_id("quorum-status")).to_contain_text("no one attended for the local authority, health")
    assert_accessible(axe, page, label="meeting, not quorate")
    page.get_by_role("button", name="Add attendee").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="meeting with attendee errors")

    page.goto(base_url + _url(world, "rapid_review_decision", not_quorate))
    expect(page.get_by_test_id("decision-refusal")).to_contain_text("The meeting is not quorate")
    expect(page.get_by_role("button", name="Record the decision and ask for sign-off")).to_be_disabled()
    assert_accessible(axe, page, label="decision, not quorate")

    page.goto(base_url + _url(world, "rapid_review_decision", review))
    methodology = page.get_by_test_id("methodology")
    expect(methodology).to_be_hidden()
    page.get_by_label("Another learning review").check()
    expect(methodology).to_be_visible()
    page.get_by_label("No further review").check()
    expect(methodology).to_be_hidden()
    page.get_by_label("Another learning review").check()
    page.get_by_role("button", name="Record the decision and ask for sign-off").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose the methodology of the learning review.")
    expect(methodology).to_be_visible()
    assert_accessible(axe, page, label="decision with errors")

    page.goto(base_url + reverse("reviews:timeliness", kwargs={"slug": world.partnership.slug}))
    assert_accessible(axe, page, label="timeliness")
    page.goto(base_url + _url(world, "rapid_review_template", review))
    assert_accessible(axe, page, label="rapid review template print view")


def test_a_partner_lead_signs_off_from_the_page_by_keyboard(page: Page, base_url, axe):
    world = World("Alpha")
    review = ready_review(world)
    decision_record(world, review)
    _signed_in(page, base_url, world.police_lead.person, "11223344")

    page.goto(base_url + _url(world, "rapid_review_decision", review))
    expect(page.get_by_test_id("sign-off-actions-police")).to_be_visible()
    assert_accessible(axe, page, label="decision awaiting the police lead's sign-off")
    page.get_by_role("button", name="Send back").click()
    expect(page.locator(".error-summary")).to_contain_text("Say why you are sending it back.")
    assert_accessible(axe, page, label="send back without a comment")
    page.get_by_role("button", name="Approve for police").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".notification-success")).to_contain_text("You approved the decision for police.")
    expect(page.get_by_test_id("sign-off-actions-police")).to_have_count(0)
