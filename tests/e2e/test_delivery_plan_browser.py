"""In a real browser: the business manager starts a cycle's delivery plan, enters a figure (after a refused first
try), uploads a file with a bad line and then a good one, adds guidance, saves month 1, changes a figure, saves
month 4 and compares the two. axe runs on every delivery plan page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.helpers import cycle_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_delivery_plan_is_filled_in_versioned_and_compared(page: Page, base_url, axe, tmp_path):
    world = World("Alpha")
    cycle = cycle_make(world)
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    page.get_by_test_id("plan-link").click()
    expect(page.get_by_test_id("no-plan")).to_be_visible()
    assert_accessible(axe, page, label="delivery plan (not started)")
    page.get_by_test_id("plan-start").click()
    expect(page.locator(".notification")).to_contain_text("Started the delivery plan.")
    assert_accessible(axe, page, label="delivery plan (empty)")

    page.get_by_role("link", name="Add a figure").click()
    page.get_by_label("Indicator").fill("Repeat missing episodes")
    page.get_by_label("Period").fill("2025-26 Q1")
    page.get_by_label("Value").fill("forty")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_value-error")).to_contain_text("'forty' is not a number.")
    assert_accessible(axe, page, label="add a figure with errors")
    page.get_by_label("Value").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("indicator-table")).to_contain_text("Repeat missing episodes")

    bad = tmp_path / "figures.csv"
    bad.write_text("indicator,period,value\nRepeat missing episodes,2025-26 Q2,n/a\n")
    page.get_by_role("link", name="Upload figures (CSV or Excel)").click()
    assert_accessible(axe, page, label="upload figures")
    page.get_by_label("CSV or Excel file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".error-summary")).to_contain_text("line 2: value 'n/a' is not a number")
    assert_accessible(axe, page, label="upload figures with errors")
    bad.write_text("indicator,period,value\nRepeat missing episodes,2025-26 Q2,35\n")
    page.get_by_label("CSV or Excel file").set_input_files(str(bad))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator(".notification")).to_contain_text("1 figures added")

    page.get_by_role("link", name="Add: statutory and other guidance").click()
    assert_accessible(axe, page, label="add guidance")
    page.get_by_label("Title").fill("Working Together to Safeguard Children 2023")
    page.get_by_label("Citation (optional)").fill("HM Government, 2023")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("items-guidance")).to_contain_text("HM Government, 2023")

    page.get_by_role("link", name="Save a version").click()
    assert_accessible(axe, page, label="save a version")
    expect(page.get_by_label("Name of the version")).to_have_value("Month 1")
    page.get_by_role("button", name="Save the version").click()
    expect(page.get_by_test_id("versions")).to_contain_text("Version 1: Month 1")

    page.get_by_text("Change or remove a figure").click()
    page.get_by_role("link", name="Change Repeat missing episodes, 2025-26 Q2").click()
    page.get_by_label("Value").fill("28")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("link", name="Save a version").click()
    page.get_by_label("Name of the version").fill("Month 4")
    page.get_by_role("button", name="Save the version").click()
    page.get_by_role("link", name="Version 1: Month 1").click()
    assert_accessible(axe, page, label="a saved version")

    page.goto(base_url + reverse("learninghub:plan_compare", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    expect(page.get_by_test_id("compare-values")).to_contain_text("-7")
    assert_accessible(axe, page, label="compare versions")
