"""In a real browser: the scrutineer raises a challenge from a dashboard figure, the school's agency lead answers it
from their tasks, the scrutineer accepts it and closes it; every page passes axe, the refused forms too."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_rapid_review_journey import _sign_out
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_challenge_from_a_figure_to_its_closing(page: Page, base_url, axe):
    world = World("Alpha")
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.scrutineer.person)
    page.goto(base_url + reverse("scrutiny:dashboard", kwargs={"slug": slug}))
    page.get_by_test_id("challenge-overdue_actions").click()
    expect(page.get_by_role("heading", name="Raise a challenge")).to_be_visible()
    expect(page.get_by_label("What you are challenging")).to_have_value("Overdue actions by lead agency, today")
    assert_accessible(axe, page, label="raise a challenge")

    # Sent without saying to whom or what: refused beside the fields, the summary focused.
    page.get_by_label("Your challenge").fill("")
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_agency_id-error")).to_contain_text("Choose the partner or agency")
    assert_accessible(axe, page, label="raise a challenge, refused")

    page.get_by_label("Addressed to").select_option(label=world.school.name)
    page.get_by_label("Your challenge").fill("Why has the school's action on training been overdue for a month?")
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.get_by_role("heading", name="Challenge CH-")).to_be_visible()
    expect(page.get_by_test_id("no-response")).to_be_visible()
    assert_accessible(axe, page, label="challenge, open")
    challenge_url = page.url
    page.get_by_role("link", name="Scrutiny challenges").click()
    expect(page.get_by_test_id("challenges")).to_contain_text(world.school.name)
    assert_accessible(axe, page, label="challenge list")
    _sign_out(page)

    # The school's agency lead finds it on their tasks and answers it.
    sign_in(page, base_url, world.agency_lead.person.email)
    page.goto(base_url + reverse("partnership:my_tasks", kwargs={"slug": slug}))
    page.get_by_role("link", name="Answer scrutiny challenge").click()
    page.get_by_role("button", name="Send the answer").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(axe, page, label="answer refused")
    page.get_by_label("Your answer").fill("The training is booked for 12 January; the action's date moves with it.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_test_id("challenge-response")).to_contain_text("booked for 12 January")
    expect(page.get_by_test_id("accept-form")).to_have_count(0)
    _sign_out(page)

    # The scrutineer accepts the answer and closes the challenge.
    _sign_in_with_code(page, base_url, world.scrutineer.person)
    page.goto(challenge_url)
    assert_accessible(axe, page, label="challenge, answered")
    page.get_by_label("Why you accept the answer (optional)").fill("A date and a plan.")
    page.get_by_role("button", name="Accept the answer").click()
    expect(page.get_by_test_id("challenge-state")).to_contain_text("Response accepted")
    page.get_by_label("What the challenge concluded").fill("Training booked; the action is back on track.")
    page.get_by_role("button", name="Close the challenge").click()
    expect(page.get_by_test_id("challenge-outcome")).to_contain_text("back on track")
    expect(page.get_by_test_id("history")).to_contain_text("Closed")
    assert_accessible(axe, page, label="challenge, closed")
