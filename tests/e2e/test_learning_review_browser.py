"""Learning review pages in a real browser: the live word count (spoken politely), the server's refusal
keeping the text, the SMART rows without a script, and axe on each page, as the lead author and as the
business manager."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from reviews.models import LearningReview
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make
from tests.reviews.learning_review_factories import contributor_make, learning_review_make

pytestmark = pytest.mark.django_db(transaction=True)


def _url(world: World, name: str, review: LearningReview | None = None) -> str:
    kwargs = {"slug": world.partnership.slug}
    if review is not None:
        kwargs["learning_review_id"] = review.pk
    return reverse(f"reviews:{name}", kwargs=kwargs)


def test_the_lead_author_writes_the_form_with_a_live_word_count(page: Page, base_url, axe):
    world = World("Alpha")
    review = learning_review_make(world)  # led by the practitioner, who needs no second factor
    contributor_make(world, review)
    sign_in(page, base_url, world.practitioner.person.email)

    page.goto(base_url + _url(world, "learning_review_list"))
    assert_accessible(axe, page, label="learning reviews")
    page.goto(base_url + _url(world, "learning_review_detail", review))
    assert_accessible(axe, page, label="learning review")

    page.goto(base_url + _url(world, "learning_review_outcomes_form", review))
    counter = page.locator("#id_synopsis-count")
    expect(counter).to_have_attribute("aria-live", "polite")
    expect(counter).to_have_text("0 words (limit 300)")
    synopsis = page.get_by_label("Synopsis of the case")
    synopsis.fill(" ".join(f"w{i}" for i in range(312)))
    expect(counter).to_have_text("312 words — 12 over the limit of 300")
    expect(counter).to_have_class("hint word-count word-count-over")
    assert_accessible(axe, page, label="outcomes form")

    # The server refuses it all the same, keeping every word typed.
    page.get_by_label("Background and summary of agency's involvement").fill("Kept as typed.")
    page.get_by_role("button", name="Save the form").click()
    expect(page.locator(".error-summary")).to_contain_text("Use at most 300 words")
    expect(page.get_by_label("Background and summary of agency's involvement")).to_have_value("Kept as typed.")
    expect(counter).to_have_text("312 words — 12 over the limit of 300")
    assert_accessible(axe, page, label="outcomes form with errors")

    # Down to 300, a SMART row, and saved.
    synopsis.fill(" ".join(f"w{i}" for i in range(300)))
    expect(counter).to_have_text("300 words (limit 300)")
    page.get_by_label("Action", exact=True).first.fill("Audit missed appointments")
    page.get_by_label("Person responsible", exact=True).first.fill("Named GP lead")
    page.get_by_label("Timeframe", exact=True).first.fill("3 months")
    page.get_by_role("button", name="Add another recommendation").click()
    expect(page.get_by_test_id("recommendation-row")).to_have_count(2)
    page.get_by_role("button", name="Save the form").click()
    expect(page.locator(".notification-success")).to_contain_text("Saved the outcomes form")
    assert review.outcomes_form.recommendations.count() == 1

    page.goto(base_url + _url(world, "learning_review_print", review))
    expect(page.locator("h2", has_text="Decisions around how the family have been involved")).to_be_visible()


def test_the_business_managers_pages_are_accessible(page: Page, base_url, axe):
    world = World("Alpha")
    review = learning_review_make(world)
    contributor_make(world, review)
    static_code_make(world.bm, code="97531864")
    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("97531864")
    page.get_by_role("button", name="Continue").click()

    page.goto(base_url + _url(world, "learning_review_open"))
    page.get_by_role("button", name="Open the review").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="open a learning review, with errors")
    for name in ("learning_review_requests", "learning_review_circulate", "learning_review_publication"):
        page.goto(base_url + _url(world, name, review))
        assert_accessible(axe, page, label=name)
    page.goto(base_url + _url(world, "learning_review_comments", review))
    assert_accessible(axe, page, label="comments")
