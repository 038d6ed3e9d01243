"""Issue 16 in a real browser: each role's first page and tasks, the health lead's pending sign-off,
sending with returns outstanding, the product's own 404, reflow at 320 px, and axe on each changed page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from partnership.selectors.overview import end_of_week
from partnership.services.deadlines import deadline_set
from reviews.services.learning_review import learning_review_start_drafting
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import TEST_PASSWORD, World, static_code_make
from tests.reviews.decision_helpers import all_approve, decision_record, ready_review
from tests.reviews.factories import information_request_make
from tests.reviews.learning_review_factories import learning_review_make

pytestmark = pytest.mark.django_db(transaction=True)

SECOND_FACTOR = {"bm", "la_lead", "health_lead", "police_lead", "scrutineer"}
CODE = "24681357"


def person_of(world: World, role: str):
    return world.bm if role == "bm" else getattr(world, role).person


def sign_in_as(page: Page, base_url: str, world: World, role: str) -> None:
    person = person_of(world, role)
    if role in SECOND_FACTOR:
        static_code_make(person, code=CODE)
    sign_in(page, base_url, person.email, TEST_PASSWORD)
    if role in SECOND_FACTOR:
        page.get_by_label("Security code").fill(CODE)
        page.get_by_role("button", name="Continue").click()


def test_each_role_starts_on_an_overview_of_what_awaits_them(browser, base_url, axe):
    world = World("Alpha")
    # A decision awaiting the three partners' sign-off, and a return owed by the practitioner.
    review = ready_review(world)
    # Due on the Sunday ending this week: two days on from a Saturday is next week, and not "due this week".
    information_request_make(world, rapid_review=review, due_on=end_of_week(timezone.localdate()))
    decision_record(world, review)
    reference = review.incident.reference

    for role in (
        "bm",
        "la_lead",
        "health_lead",
        "police_lead",
        "practitioner",
        "agency_lead",
        "scrutineer",
        "lay_member",
        "observer",
    ):
        context = browser.new_context(base_url=base_url)
        page = context.new_page()
        sign_in_as(page, base_url, world, role)
        # Signing in lands on the partnership's overview: its start page.
        expect(page.get_by_role("heading", level=1)).to_have_text(world.partnership.name)
        expect(page.get_by_role("heading", name="What waits for you")).to_be_visible()
        expect(page.get_by_role("heading", name="Learning reviews")).to_be_visible()
        if role in ("bm", "la_lead", "health_lead", "police_lead", "scrutineer"):
            expect(page.get_by_text("Decisions awaiting partner sign-off", exact=True)).to_be_visible()
        else:
            expect(page.get_by_text("Open rapid reviews", exact=True)).to_have_count(0)
        if role in ("la_lead", "health_lead", "police_lead"):
            partner = {"la_lead": "local authority", "health_lead": "health", "police_lead": "police"}[role]
            expect(page.get_by_role("link", name=f"Sign off for {partner}: Rapid review {reference}")).to_be_visible()
        if role == "practitioner":
            expect(page.get_by_text("Due this week (1)").or_(page.get_by_text("Overdue (1)"))).to_be_visible()
        assert_accessible(axe, page, label=f"overview as {role}")

        page.get_by_role("navigation", name=world.partnership.name).get_by_role("link", name="My tasks").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
        if role in ("agency_lead", "lay_member", "observer", "scrutineer"):
            expect(page.get_by_test_id("no-tasks")).to_be_visible()
        else:  # the milestones (business manager), a sign-off (partner leads), a return (practitioner)
            expect(page.get_by_test_id("task").first).to_be_visible()
        assert_accessible(axe, page, label=f"my tasks as {role}")
        context.close()


def test_the_health_lead_finds_the_pending_sign_off_and_decides_there(page: Page, base_url, axe):
    world = World("Alpha")
    review = ready_review(world)
    decision_record(world, review)
    sign_in_as(page, base_url, world, "health_lead")

    page.get_by_role("navigation", name=world.partnership.name).get_by_role("link", name="My tasks").click()
    expect(page.get_by_test_id("no-tasks")).to_have_count(0)
    task = page.get_by_role("link", name=f"Sign off for health: Rapid review {review.incident.reference}")
    expect(task).to_be_visible()
    # The caption names the table for screen-reader users.
    expect(page.locator("table caption").first).to_be_visible()
    task.click()

    expect(page.get_by_role("heading", name="Your decision for health")).to_be_visible()
    expect(page.get_by_role("heading", name="Approve it")).to_be_visible()
    expect(page.get_by_role("heading", name="Or send it back")).to_be_visible()
    assert_accessible(axe, page, label="decision page for the health lead")
    page.get_by_role("button", name="Approve for health").click()
    page.get_by_role("navigation", name=world.partnership.name).get_by_role("link", name="My tasks").click()
    expect(page.get_by_test_id("no-tasks")).to_be_visible()


def test_sending_with_returns_outstanding_asks_for_confirmation_and_a_reason(page: Page, base_url, axe):
    world = World("Alpha")
    review = ready_review(world)
    information_request_make(world, rapid_review=review, due_on=timezone.localdate() + timedelta(days=5))
    decision_record(world, review)
    all_approve(world, review)
    sign_in_as(page, base_url, world, "bm")
    page.goto(f"{base_url}/p/{world.partnership.slug}/rapid-reviews/{review.pk}/decision/")

    warning = page.get_by_test_id("returns-outstanding")
    expect(warning).to_contain_text("1 agency's return is still outstanding")
    expect(warning).to_contain_text(world.school.name)
    page.get_by_label("Reason for the delay").fill("Complex case, several agencies.")
    page.get_by_role("button", name="Mark as sent to the Panel").click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary).not_to_have_attribute("role", "alert")  # focus reads it once; an alert would read it twice
    expect(summary).to_contain_text("Confirm that the review goes to the Panel without the outstanding returns")
    assert_accessible(axe, page, label="send to the Panel with returns outstanding, refused")

    page.get_by_label("Send it without the outstanding returns, and close their requests").check()
    page.get_by_label("Why it goes without them").fill("The Panel asked for the review now; the school will follow up.")
    page.get_by_role("button", name="Mark as sent to the Panel").click()
    expect(page.get_by_role("status").first).to_contain_text("1 outstanding request was closed")

    page.goto(f"{base_url}/p/{world.partnership.slug}/rapid-reviews/{review.pk}/")
    timeline = page.get_by_test_id("timeline")
    expect(timeline).not_to_contain_text("working days left")
    expect(page.get_by_test_id("request-tracker")).to_contain_text("Withdrawn")
    assert_accessible(axe, page, label="rapid review page after sending with returns outstanding")


def test_a_missing_page_is_the_products_own_404(page: Page, base_url, axe):
    world = World("Alpha")
    sign_in_as(page, base_url, world, "practitioner")
    response = page.goto(f"{base_url}/p/{world.partnership.slug}/no-such-page/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("body")).not_to_contain_text("URLconf")
    expect(page.get_by_role("link", name="Go to your partnerships")).to_be_visible()
    assert_accessible(axe, page, label="404 page")


def test_pages_reflow_at_320_px_and_the_busiest_navigation_fits_one_line_at_1280(page: Page, base_url, axe):
    world = World("Alpha")
    for n in range(3):
        ready_review(world)
        deadline_set(
            partnership=world.partnership,
            subject=world.school,
            kind=f"k{n}",
            title=f"A task with a long title that wraps on a narrow screen, number {n}",
            due_on=timezone.localdate() + timedelta(days=n),
            assignee=world.bm,
        )
    learning_review = learning_review_make(world, lead_author=world.bm)
    learning_review_start_drafting(partnership=world.partnership, actor=world.bm, learning_review=learning_review)
    sign_in_as(page, base_url, world, "bm")
    slug = world.partnership.slug

    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(f"{base_url}/p/{slug}/")
    tops = page.eval_on_selector_all(".primary-nav li", "items => items.map(i => i.getBoundingClientRect().top)")
    widths = page.eval_on_selector_all(".primary-nav li", "items => items.map(i => i.getBoundingClientRect().width)")
    assert len(set(tops)) == 1, (tops, widths)

    page.set_viewport_size({"width": 320, "height": 640})
    outcomes_form = f"learning-reviews/{learning_review.pk}/outcomes-form/"
    for path in ("", "tasks/", "rapid-reviews/", "rapid-reviews/timeliness/", "manage/members/", outcomes_form):
        page.goto(f"{base_url}/p/{slug}/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 320, (path, width)
        assert_accessible(axe, page, label=f"{path or 'overview'} at 320 px")
