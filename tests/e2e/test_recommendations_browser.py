"""Recommendations in a real browser: a business manager turns a final outcomes form's rows into recommendations
in one step, the three partner leads sign them off from the link in their email, and axe checks every new page."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from playwright.sync_api import Page, expect

from partnership.models.recommendations import Recommendation
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_rapid_review_journey import _sign_out, _verify
from tests.factories import TEST_PASSWORD, World, static_code_make
from tests.recommendations.helpers import final_review_with_rows, themes

pytestmark = pytest.mark.django_db(transaction=True)


def test_outcomes_rows_become_recommendations_signed_off_by_the_three_leads(page: Page, base_url, axe):
    world = World("Alpha")
    themes(world)
    review = final_review_with_rows(world)
    slug = world.partnership.slug
    static_code_make(world.bm, code="97531864")
    sign_in(page, base_url, world.bm.email)
    _verify(page, "97531864")

    # 1. From the learning review's page to its rows, one lead partner each, one submit.
    page.goto(
        base_url + reverse("reviews:learning_review_detail", kwargs={"slug": slug, "learning_review_id": review.pk})
    )
    assert_accessible(axe, page, label="learning review with its recommendations")
    page.get_by_test_id("convert-link").click()
    expect(page.get_by_test_id("outcomes-row")).to_have_count(3)
    assert_accessible(axe, page, label="outcomes rows to recommendations")
    page.get_by_role("button", name="Make them and put them to the partners").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose the partner who leads recommendation 1.")
    assert_accessible(axe, page, label="outcomes rows with errors")
    for position, partner in ((1, "Health"), (2, "Local authority"), (3, "Police")):
        page.get_by_label(f"Lead partner for recommendation {position}").select_option(label=partner)
    mail.outbox.clear()
    page.get_by_role("button", name="Make them and put them to the partners").click()
    expect(page.locator(".notification-success")).to_contain_text("put to the partners")
    expect(page.get_by_test_id("round-recommendations").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("sign-off-state")).to_contain_text("0 of 3 partners have approved")
    assert_accessible(axe, page, label="round awaiting sign-off")
    [ask] = [m for m in mail.outbox if "need your sign-off" in m.subject]
    assert set(ask.to) == {lead.person.email for lead in (world.la_lead, world.health_lead, world.police_lead)}
    link = re.search(r"https?://\S+/recommendations/rounds/\d+/", ask.body).group(0)
    path = re.sub(r"^https?://[^/]+", "", link)

    # 2. Every other new page, as the business manager.
    recommendation = Recommendation.objects.filter(partnership=world.partnership).order_by("reference").first()
    theme = world.partnership.learning_themes.first()
    for name, kwargs in (
        ("recommendation_register", {}),
        ("recommendation_detail", {"recommendation_id": recommendation.pk}),
        ("recommendation_create", {}),
        ("recommendation_round_create", {}),
        ("theme_list", {}),
        ("theme_detail", {"theme_id": theme.pk}),
        ("theme_edit", {"theme_id": theme.pk}),
    ):
        page.goto(base_url + reverse(f"partnership:{name}", kwargs={"slug": slug, **kwargs}))
        assert_accessible(axe, page, label=name)
    page.goto(
        base_url
        + reverse("partnership:dissemination_create", kwargs={"slug": slug})
        + f"?recommendation={recommendation.pk}"
    )
    page.get_by_role("button", name="Save the record").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="dissemination form with errors")
    page.goto(base_url + reverse("partnership:recommendation_create", kwargs={"slug": slug}))
    page.get_by_role("button", name="Save the draft").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="draft a recommendation, with errors")
    _sign_out(page)

    # 3. Each partner lead follows the emailed link, signs in with their second factor and approves.
    leads = [(world.la_lead, "11112222"), (world.health_lead, "33334444"), (world.police_lead, "55556666")]
    for number, (lead, code) in enumerate(leads, start=1):
        static_code_make(lead.person, code=code)
        page.goto(base_url + path)
        expect(page).to_have_url(re.compile(r"/account/login/"))
        page.get_by_label("Email address").fill(lead.person.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        _verify(page, code)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            f"{review.reference}: recommendations of the outcomes form"
        )
        if number == 1:
            assert_accessible(axe, page, label="round, as a partner lead")
        page.get_by_label("Approve").check()
        page.get_by_role("button", name="Record decision").click()
        if number < len(leads):
            expect(page.get_by_test_id("sign-off-state")).to_contain_text(f"{number} of 3 partners have approved")
        else:
            expect(page.get_by_test_id("sign-off-state")).to_contain_text("Signed off by all three partners")
        _sign_out(page)

    states = set(Recommendation.objects.filter(partnership=world.partnership).values_list("state", flat=True))
    assert states == {Recommendation.State.ACTION_PLANNING}
