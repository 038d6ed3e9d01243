"""In a real browser: the business manager builds and opens a survey, a practitioner answers it through the public
link without signing in (after a refused first try), and the results show the response rate; the survey closed,
its link says so (410), and over the rate limit it says to wait (429). axe runs on the feedback pages, the
members' "you said, we did", and on the public survey, its errors, its thanks, closed and rate-limited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from learninghub.models import FeedbackSurvey, YouSaidWeDid
from learninghub.services.feedback import you_said_we_did_create, you_said_we_did_move
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.feedback_helpers import child_make, session_make
from tests.learninghub.helpers import cycle_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_survey_is_built_answered_anonymously_and_summarised(page: Page, browser: Browser, base_url, axe, settings):
    world = World("Alpha")
    cycle = cycle_make(world)
    session_make(world, cycle=cycle, quotes=["Supervision helps"])
    child_make(world, cycle=cycle)
    entry = you_said_we_did_create(
        partnership=world.partnership,
        actor=world.bm,
        cycle=cycle,
        you_said="Meetings clash with school pick-up",
        we_did="Moved the hub to 10:00",
    )
    you_said_we_did_move(partnership=world.partnership, actor=world.bm, entry=entry, to=YouSaidWeDid.State.PUBLISHED)
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

    # What the hub did with what practitioners said, as members read it.
    page.goto(base_url + reverse("learninghub:you_said_we_did_list", kwargs={"slug": slug}))
    expect(page.get_by_test_id("entry")).to_contain_text("Moved the hub to 10:00")
    assert_accessible(axe, page, label="you said, we did (members)")

    # Closed: the link says so, with 410.
    page.goto(
        base_url
        + reverse(
            "learninghub:survey_builder",
            kwargs={"slug": slug, "hub_cycle_id": cycle.pk, "feedback_survey_id": survey.pk},
        )
    )
    page.get_by_role("button", name="Close the survey").click()
    expect(page.get_by_test_id("survey-state")).to_have_text("Closed")
    link = base_url + reverse("learninghub_public:survey_answer", kwargs={"token": survey.token})
    assert anonymous.goto(link).status == 410
    expect(anonymous.get_by_test_id("survey-closed")).to_be_visible()
    assert_accessible(axe, anonymous, label="public survey closed (410)")

    # Over the address's limit: told to wait, with 429 (the live server reads the setting as it changes).
    settings.LEARNINGHUB_SURVEY_RATE = (0, 60)
    assert anonymous.goto(link).status == 429
    expect(anonymous.get_by_test_id("rate-limited")).to_be_visible()
    assert_accessible(axe, anonymous, label="public survey rate-limited (429)")
