"""In a real browser: the business manager builds and opens a survey, a practitioner answers it through the public
link without signing in (after a refused first try), and the results show the response rate. axe runs on the
feedback pages and on the public survey, its errors and its thanks."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from learninghub.models import FeedbackSurvey
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.feedback_helpers import child_make, session_make
from tests.learninghub.helpers import cycle_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_survey_is_built_answered_anonymously_and_summarised(page: Page, browser: Browser, base_url, axe):
    world = World("Alpha")
    cycle = cycle_make(world)
    session_make(world, cycle=cycle, quotes=["Supervision helps"])
    child_make(world, cycle=cycle)
    slug = world.partnership.slug
    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("learninghub:feedback", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    expect(page.get_by_test_id("session")).to_contain_text("Supervision helps")
    assert_accessible(axe, page, label="feedback page")
    page.get_by_role("link", name="Record feedback from children, young people and families").click()
    expect(page.get_by_test_id("no-identities")).to_be_visible()
    page.get_by_role("button", name="Save the feedback").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(axe, page, label="children's feedback form with errors")
    page.go_back()
    page.go_back()
    page.get_by_role("link", name="Start an online survey").click()
    page.get_by_label("Title").fill("Practitioner survey")
    page.get_by_label("Sent to (number of people)").fill("10")
    page.get_by_role("button", name="Start the survey").click()
    page.get_by_label("Question").fill("How useful was the hub?")
    page.get_by_label("Scale of 1 to 5").check()
    page.get_by_role("button", name="Add the question").click()
    assert_accessible(axe, page, label="survey builder")
    page.get_by_role("button", name="Open the survey").click()
    expect(page.get_by_test_id("survey-state")).to_have_text("Open")
    survey = FeedbackSurvey.objects.get(partnership=world.partnership)

    # Someone with the link, not signed in, in a browser of their own.
    anonymous = browser.new_context().new_page()
    anonymous.goto(base_url + reverse("learninghub_public:survey_answer", kwargs={"token": survey.token}))
    assert_accessible(axe, anonymous, label="public survey")
    anonymous.get_by_role("button", name="Send your answers").click()
    expect(anonymous.locator(".error-summary")).to_be_focused()
    assert_accessible(axe, anonymous, label="public survey with errors")
    anonymous.get_by_label("4").check()
    anonymous.get_by_role("button", name="Send your answers").click()
    expect(anonymous.get_by_test_id("answers-sent")).to_be_visible()
    assert_accessible(axe, anonymous, label="public survey thanks")

    page.goto(
        base_url
        + reverse(
            "learninghub:survey_results",
            kwargs={"slug": slug, "hub_cycle_id": cycle.pk, "feedback_survey_id": survey.pk},
        )
    )
    expect(page.get_by_test_id("response-rate")).to_have_text("10.0%")
    assert_accessible(axe, page, label="survey results")
