"""In a real browser: the business manager records a finding (after a refused first try), the hub agrees a draft
recommendation, and the findings page passes axe with and without errors."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from learninghub.models import HubDraftRecommendation
from partnership.models.recommendations import Recommendation
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.test_findings_pages import _filled

pytestmark = pytest.mark.django_db(transaction=True)


def test_findings_are_recorded_and_a_draft_agreed(page: Page, base_url, axe):
    world = World("Alpha")
    cycle = _filled(world, rounds=1, findings=1, drafts=1, measures=1)
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    page.get_by_test_id("findings-link").click()
    expect(page.get_by_test_id("audit-result")).to_contain_text("Fathers left out of assessments")
    assert_accessible(axe, page, label="findings page")

    page.get_by_role("button", name="Record the finding").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#finding_text-error")).to_contain_text("Enter what the hub found.")
    assert_accessible(axe, page, label="findings page with errors")
    page.locator("#finding_theme_id").select_option(index=1)
    page.get_by_label("What the hub found").fill("Return interviews are late for children placed out of area")
    page.get_by_role("button", name="Record the finding").click()
    expect(page.locator(".notification")).to_contain_text("Recorded the finding.")

    page.get_by_label("Return interviews within 72 hours (0)").check()
    page.get_by_role("button", name="Agree and put to the partners").click()
    expect(page.locator(".notification")).to_contain_text("with the three partners for sign-off")
    draft = HubDraftRecommendation.objects.get(cycle=cycle)
    assert draft.recommendation.state == Recommendation.State.PROPOSED
    expect(page.get_by_test_id("drafts")).to_contain_text(draft.recommendation.reference)
    assert_accessible(axe, page, label="findings page after agreeing")
