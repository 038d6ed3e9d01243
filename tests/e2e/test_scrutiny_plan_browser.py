"""In a real browser: the scrutineer writes a plan activity's findings and links a record seen; a professional
disagreement is escalated to the scrutineer, who resolves it; axe passes on each page."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.reviews.test_timeliness import _review
from tests.scrutiny.disagreement_helpers import disagreement_make
from tests.scrutiny.plan_helpers import activity_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_plan_activity_with_findings_and_evidence_and_a_disagreement_resolved(page: Page, base_url, axe):
    world = World("Alpha")
    slug = world.partnership.slug
    activity = activity_make(world)
    review = _review(world, date(2026, 5, 4), reference="SI-26-3")
    disagreement = disagreement_make(world, raised_on=timezone.localdate() - timedelta(days=10))

    _sign_in_with_code(page, base_url, world.scrutineer.person)
    page.goto(base_url + reverse("scrutiny:plan_list", kwargs={"slug": slug}))
    assert_accessible(axe, page, label="scrutiny plans")
    page.get_by_role("link", name="2026/27").click()
    expect(page.get_by_test_id("quarter-1")).to_contain_text("Deep dive: missing children")
    assert_accessible(axe, page, label="scrutiny plan")
    page.get_by_role("link", name="Deep dive: missing children").click()

    # A record number that is not a number: the error is beside the field and in the summary.
    form = page.get_by_test_id("evidence-add")
    form.get_by_label("Kind of record").select_option("rapid_review")
    form.get_by_label("Record number").fill("0")
    form.get_by_role("button", name="Link the record").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert_accessible(axe, page, label="scrutiny activity with an error")
    form = page.get_by_test_id("evidence-add")
    form.get_by_label("Kind of record").select_option("rapid_review")
    form.get_by_label("Record number").fill(str(review.pk))
    form.get_by_role("button", name="Link the record").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("Rapid review SI-26-3")

    edit = page.get_by_test_id("activity-edit")
    edit.get_by_label("Findings").fill("Return interviews took place within 72 hours in 6 of 10 cases.")
    edit.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("findings")).to_contain_text("6 of 10 cases")
    assert_accessible(axe, page, label="scrutiny activity")
    assert activity.pk

    # The business manager escalates the disagreement to the scrutineer, who resolves it.
    page.context.clear_cookies()
    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("scrutiny:disagreement_list", kwargs={"slug": slug}))
    assert_accessible(axe, page, label="disagreements")
    page.goto(
        base_url + reverse("scrutiny:disagreement_detail", kwargs={"slug": slug, "disagreement_id": disagreement.pk})
    )
    escalate = page.get_by_test_id("disagreement-escalate")
    escalate.get_by_label("Escalate to").select_option("scrutineer")
    escalate.get_by_label("Why").fill("Senior managers could not agree on the threshold.")
    escalate.get_by_role("button", name="Escalate").click()
    expect(page.get_by_test_id("disagreement-stage")).to_have_text("Independent scrutineer")
    assert_accessible(axe, page, label="disagreement escalated")

    page.context.clear_cookies()
    _sign_in_with_code(page, base_url, world.scrutineer.person)
    page.goto(
        base_url + reverse("scrutiny:disagreement_detail", kwargs={"slug": slug, "disagreement_id": disagreement.pk})
    )
    resolve = page.get_by_test_id("disagreement-resolve")
    resolve.get_by_label("Outcome").fill("An assessment was opened.")
    resolve.get_by_label("Learning (optional)").fill("Joint threshold training for schools and the front door.")
    resolve.get_by_role("button", name="Resolve").click()
    expect(page.get_by_test_id("disagreement-state")).to_have_text("Resolved")
    assert_accessible(axe, page, label="disagreement resolved")

    page.goto(base_url + reverse("scrutiny:dashboard", kwargs={"slug": slug}))
    expect(page.get_by_test_id("panel-disagreements")).to_contain_text("No disagreement is open.")
    assert_accessible(axe, page, label="scrutiny dashboard with disagreements")
