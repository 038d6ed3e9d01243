"""In a real browser: the business manager defines an indicator (after a refused first try), enters a quarter's
figures, uploads a file with a bad line and then a good one; the indicator's trend chart draws; an agency lead
writes their agency's analysis; the scrutineer reads the quarter's data set. axe runs on every data set page."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from scrutiny.demo import seed_datasets
from scrutiny.models import Indicator
from tests.e2e.conftest import assert_accessible, expect_image_drawn
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World

pytestmark = pytest.mark.django_db(transaction=True)


def test_data_sets_are_defined_entered_uploaded_charted_and_analysed(page: Page, base_url, axe, tmp_path):
    world = World("Alpha")
    seed_datasets(world.partnership, today=date(2026, 12, 4), actor=world.business_manager)
    slug = world.partnership.slug

    def go(name: str, **kwargs) -> None:
        page.goto(base_url + reverse(f"scrutiny:{name}", kwargs={"slug": slug, **kwargs}))

    _sign_in_with_code(page, base_url, world.bm)
    go("dashboard")
    page.get_by_test_id("datasets-link").click()
    expect(page.get_by_role("heading", name="Quarterly data sets", level=1)).to_be_visible()
    assert_accessible(axe, page, label="data sets")

    page.get_by_role("link", name="Add an indicator").click()
    page.get_by_label("Part B: themed").check()
    page.get_by_label("Indicator", exact=True).fill("Strategy discussions within one working day")
    page.get_by_label("Unit (optional)").fill("%")
    page.get_by_label("Higher is better").check()
    page.get_by_label("Amber threshold (optional)").fill("90")
    page.get_by_label("Red threshold (optional)").fill("95")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary")).to_contain_text("Enter the theme")
    assert_accessible(axe, page, label="add an indicator with errors")
    page.get_by_label("Theme (Part B)").fill("Neglect")
    page.get_by_label("Red threshold (optional)").fill("80")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".notification")).to_contain_text("Saved the indicator")
    assert_accessible(axe, page, label="a new indicator (no figures)")
    added = Indicator.objects.get(name="Strategy discussions within one working day")

    go("dataset_values_enter", quarter="2026-07", agency=str(world.council.pk))
    assert_accessible(axe, page, label="enter figures")
    page.get_by_label(added.name).fill("85")
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_test_id("quarter-table")).to_contain_text("85")
    assert_accessible(axe, page, label="a quarter's data set")

    bad = tmp_path / "figures.csv"
    bad.write_text(f"indicator,quarter,value,agency\n{added.name},2026-27 Q1,70,\n{added.name},someday,1,\n")
    go("dataset_upload")
    assert_accessible(axe, page, label="upload figures")
    page.get_by_label("CSV file or Excel workbook").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".error-summary")).to_contain_text("line 3: quarter 'someday' is not a quarter")
    assert_accessible(axe, page, label="upload with a bad line")
    good = tmp_path / "good.csv"
    good.write_text(f"indicator,quarter,value,agency\n{added.name},2026-27 Q1,70,\n")
    page.get_by_label("CSV file or Excel workbook").set_input_files(str(good))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".notification")).to_contain_text("1 figures added")

    demo = Indicator.objects.get(partnership=world.partnership, name="Return home interviews within 72 hours")
    go("dataset_indicator", indicator_id=demo.pk)
    page.get_by_label("Quarters shown").select_option("40")
    page.get_by_role("button", name="Show").click()
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_be_visible()
    expect_image_drawn(chart)
    # Drawn in the space the page kept for it (its width and height given), so the table below did not move.
    # (Its proportions are kept inside its border, so the height may round a pixel over.)
    width, height = chart.evaluate("image => [image.offsetWidth, image.offsetHeight]")
    assert width == 760
    assert 400 <= height <= 401
    expect(page.get_by_test_id("trend-table").get_by_role("row")).to_have_count(41)
    assert_accessible(axe, page, label="an indicator's trend")

    page.context.clear_cookies()
    sign_in(page, base_url, world.agency_lead.person.email)  # an agency lead has no second factor to pass
    go("dataset_analysis", quarter="2026-07", agency_id=world.school.pk)
    page.get_by_label("Analysis").fill("Attendance at strategy meetings improved after the new rota.")
    page.get_by_role("button", name="Save analysis").click()
    expect(page.get_by_test_id(f"analysis-{world.school.pk}")).to_contain_text("new rota")
    assert_accessible(axe, page, label="analysis saved")

    page.context.clear_cookies()
    _sign_in_with_code(page, base_url, world.scrutineer.person)
    go("dataset_quarter", quarter="2026-07")
    expect(page.get_by_test_id("quarter-summary")).to_contain_text("past a threshold")
    expect(page.get_by_test_id("entry-links")).to_have_count(0)
    assert_accessible(axe, page, label="a quarter's data set, read by the scrutineer")
