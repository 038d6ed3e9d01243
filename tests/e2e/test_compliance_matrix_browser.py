"""The compliance matrix in a browser: reached from the cycle's page, filtered from the keyboard, axe on the
table and on the filters with an error."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from audits.models import ReturnStandard
from tests.audits.sa_helpers import cycle_make, published_version
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_matrix_is_filtered_from_the_keyboard_and_accessible(page: Page, base_url, axe):
    world = World("Alpha")
    version = published_version(world, "section-11")
    last = cycle_make(world, year=2025, version=version).cycle
    this = cycle_make(world, year=2026, version=version).cycle
    standards = ReturnStandard.objects.in_partnership(world.partnership)
    standards.update(self_score=None)
    standards.filter(assessment_return__cycle=last, section_key="accountability").update(self_score=1)
    standards.filter(assessment_return__cycle=this, section_key="accountability").update(self_score=2)
    standards.filter(
        assessment_return__cycle=this, assessment_return__agency=world.police, section_key="training"
    ).update(self_score=0)
    static_code_make(world.bm, code="13572468")

    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("13572468")
    page.get_by_role("button", name="Continue").click()
    page.goto(base_url + reverse("audits:cycle_detail", kwargs={"slug": world.partnership.slug, "cycle_id": this.pk}))
    page.get_by_test_id("matrix-link").click()
    expect(page.get_by_role("heading", name="Compliance matrix")).to_be_visible()
    expect(page.get_by_test_id("matrix-table")).to_contain_text("2 (was 1 ▲)")
    assert_accessible(axe, page, label="the compliance matrix")

    page.get_by_label("Scored at most").select_option(label="Not met (0) or lower")
    page.get_by_label("Agency or school (name or URN)").press("Enter")
    expect(page.get_by_test_id("matrix-table")).to_contain_text("Alpha Police")
    expect(page.get_by_test_id("matrix-table")).not_to_contain_text("Alpha ICB")

    page.goto(page.url.split("?")[0] + "?at_most=7")
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    assert_accessible(axe, page, label="the compliance matrix, with a filter error")
