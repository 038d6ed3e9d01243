"""Self-assessments in a browser: a business manager launches an s175 cycle; a school's lead answers, submits and
records the head's and governor's signatures; axe on every self-assessment page, error states included."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from audits.models import SelfAssessmentReturn
from tests.audits.sa_helpers import published_version, school_lead, schools_make
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_school_lead_submits_an_s175_return(page: Page, base_url, axe, browser):
    world = World("Alpha")
    schools_make(world, 1)
    version = published_version(world, "section-175")
    static_code_make(world.bm, code="13572468")
    slug = world.partnership.slug

    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("13572468")
    page.get_by_role("button", name="Continue").click()
    page.goto(base_url + reverse("audits:cycle_list", kwargs={"slug": slug}))
    assert_accessible(axe, page, label="self-assessment cycles, none yet")
    page.get_by_role("link", name="Launch a cycle").click()
    page.get_by_role("button", name="Launch the cycle").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(axe, page, label="launch a cycle, with errors")
    page.get_by_label("Template").select_option(str(version.pk))
    page.get_by_label("Year").fill("2026")
    page.get_by_label("Opens on").fill("2026-01-05")
    page.get_by_label("Returns due on").fill("2026-03-31")
    page.get_by_role("button", name="Launch the cycle").click()
    expect(page.get_by_text("Launched Section 175/157 (schools) 2026: 1 returns")).to_be_visible()
    assert_accessible(axe, page, label="a cycle's returns")
    page.goto(base_url + reverse("audits:cycle_list", kwargs={"slug": slug}))
    assert_accessible(axe, page, label="self-assessment cycles")

    ret = SelfAssessmentReturn.objects.get(partnership=world.partnership)
    lead = school_lead(world, ret.agency)
    context = browser.new_context()
    lead_page = context.new_page()
    sign_in(lead_page, base_url, lead.person.email)
    lead_page.goto(base_url + reverse("audits:sa_my_returns", kwargs={"slug": slug}))
    assert_accessible(axe, lead_page, label="your returns")
    lead_page.get_by_role("link", name=f"{ret.cycle.title}: {ret.agency.name}").click()
    assert_accessible(axe, lead_page, label="a return, to answer")

    lead_page.get_by_role("button", name="Save and send for signatures").click()
    expect(lead_page.get_by_test_id("return-problems")).to_contain_text("Leadership and governance: answer")
    assert_accessible(axe, lead_page, label="a return that cannot be submitted yet")
    online_safety = "Evidence (0) and actions (0) for Online safety, filtering and monitoring"
    lead_page.get_by_role("link", name=online_safety).click()
    assert_accessible(axe, lead_page, label="a standard's evidence and actions")
    lead_page.get_by_role("button", name="Add the action").click()
    expect(lead_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(axe, lead_page, label="a standard's action form, with errors")
    lead_page.get_by_role("link", name="Back to the return").click()

    # Every standard's fieldset on the page before they are listed: ``all()`` does not wait, and read while the
    # standard's page was still showing it found none, so nothing was answered (a CI flake).
    fieldsets = lead_page.get_by_test_id("return-form").locator("fieldset")
    expect(fieldsets).to_have_count(ret.standards.count())
    for standard in fieldsets.all():
        standard.locator("select").select_option(label="Fully met (3)")
        standard.locator("textarea").fill("Our policy was reviewed by governors in September.")
    lead_page.get_by_role("button", name="Save and send for signatures").click()
    expect(lead_page.get_by_text("The return is ready for the head's")).to_be_visible()
    assert_accessible(axe, lead_page, label="a return awaiting signatures")

    lead_page.get_by_label("The head teacher").check()
    lead_page.get_by_label("Their full name").fill("Head 0")
    lead_page.get_by_label("They have read this return").check()
    lead_page.get_by_role("button", name="Record the signature").click()
    expect(lead_page.get_by_text("Signature recorded.")).to_be_visible()
    lead_page.get_by_label("The nominated governor").check()
    lead_page.get_by_label("Their full name").fill("Governor 0")
    lead_page.get_by_role("button", name="Record the signature").click()
    expect(lead_page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(axe, lead_page, label="a signature with errors")
    lead_page.get_by_label("The nominated governor").check()
    lead_page.get_by_label("Their full name").fill("Governor 0")
    lead_page.get_by_label("They have read this return").check()
    lead_page.get_by_role("button", name="Record the signature").click()
    expect(lead_page.get_by_text("Submitted the return.")).to_be_visible()
    assert_accessible(axe, lead_page, label="a submitted return")
    ret.refresh_from_db()
    assert ret.state == SelfAssessmentReturn.State.SUBMITTED
    context.close()

    # The business manager moderates it after the challenge event.
    page.goto(base_url + reverse("audits:sa_return_detail", kwargs={"slug": slug, "return_id": ret.pk}))
    assert_accessible(axe, page, label="a submitted return, as a business manager")
    page.get_by_role("link", name="Moderate this return").click()
    assert_accessible(axe, page, label="moderation")
    page.get_by_label("Moderated score: Online safety, filtering and monitoring").select_option(label="Partly met (1)")
    page.get_by_label("Challenge notes: Online safety, filtering and monitoring").fill("No filtering review this year.")
    page.get_by_role("button", name="Save the moderation").click()
    expect(page.get_by_text("Saved the moderation.")).to_be_visible()
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(axe, page, label="moderation, agreed action with errors")
    ret.refresh_from_db()
    assert ret.state == SelfAssessmentReturn.State.MODERATED
