"""In a real browser: the scrutiny dashboard draws its charts (SVG documents under their own policy), passes axe, and
a figure's link, in the table or a bar of the chart, leads to the records it counts."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from audits.models import ReturnStandard, SelfAssessmentCycle
from partnership.models.recommendations import Recommendation
from tests.audits.sa_helpers import cycle_make
from tests.e2e.conftest import assert_accessible, chart_document
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.partnership.action_plan_factories import recommendation_make
from tests.reviews.test_timeliness import _review
from tests.scrutiny.test_dashboard import _overdue

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_dashboard_draws_its_charts_and_links_each_figure(page: Page, base_url, axe):
    world = World("Alpha")
    _review(world, date(2025, 1, 15), taken=12, reference="SI-A1")
    _review(world, date(2025, 3, 20), taken=44, reason="Complexity", reference="SI-A3")
    recommendation = recommendation_make(world, state=Recommendation.State.IN_PROGRESS)
    _overdue(world, recommendation, days_late=3)
    # A Section 11 cycle opened in 2025, one standard moderated: the heat map is checked by axe with the charts.
    cycle = cycle_make(world, year=2025).cycle
    SelfAssessmentCycle.objects.filter(pk=cycle.pk).update(opens_on=date(2025, 4, 1), due_on=date(2025, 5, 1))
    ReturnStandard.objects.filter(assessment_return__cycle=cycle, assessment_return__agency=world.council).filter(
        section_key="accountability"
    ).update(self_score=2, moderated_score=1)
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("scrutiny:dashboard", kwargs={"slug": slug}) + "?year=2025")
    heatmap = page.get_by_test_id("table-section_11")
    expect(heatmap).to_contain_text("Self 2, moderated 1")
    expect(heatmap.get_by_role("link", name=f"Self 2, moderated 1 ({world.council.name})")).to_be_visible()
    for key in ("notification", "timeliness", "decisions", "recommendations", "overdue_actions"):
        chart = page.get_by_test_id(f"chart-{key}")
        expect(chart).to_be_visible()
        # Drawn: the SVG loaded in its <object> under its own policy (the page's allows this site's objects).
        drawing = chart_document(chart).locator(":root")
        # As high as the space the page kept for it before it loaded, so nothing below it moved when it did (a click
        # meant for the link under a chart once landed on the next chart's bar).
        kept = int(chart.get_attribute("height"))
        assert drawing.evaluate("svg => svg.viewBox.baseVal.height") == kept, key
        assert chart.evaluate("chart => chart.offsetHeight") == kept, key
    assert_accessible(axe, page, label="scrutiny dashboard")

    # A bar of the chart is a link: the "Late" bar of 2025 Q1 leads the page (not the chart's frame) to its records.
    timeliness = chart_document(page.get_by_test_id("chart-timeliness"))
    timeliness.get_by_role("link", name="2025 Q1, Late: 1").click()
    expect(page.get_by_test_id("figure-records")).to_contain_text("SI-A3")
    expect(page.get_by_test_id("figure-records")).not_to_contain_text("SI-A1")
    expect(page).to_have_url(
        re.compile(r"/scrutiny/timeliness/records/\?period=year&year=2025&row=2025-1&column=late$")
    )
    page.go_back()

    # The "Late" column of 2025 Q1 (its second figure), reached by keyboard.
    row = page.get_by_test_id("table-timeliness").get_by_role("row", name="2025 Q1")
    late = row.get_by_role("cell").nth(1).get_by_role("link")
    late.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("SI-A3")).to_be_visible()
    expect(page.get_by_text("SI-A1")).to_have_count(0)

    page.goto(base_url + reverse("scrutiny:dashboard", kwargs={"slug": slug}))
    page.get_by_test_id("table-overdue_actions").get_by_role("link", name="1").click()
    expect(page.get_by_test_id("overdue-actions")).to_contain_text("Train designated leads")
    assert_accessible(axe, page, label="overdue actions")


def test_nothing_on_the_dashboard_moves_when_its_charts_load(page: Page, base_url):
    """The charts are held back while the page is measured, then let through: each table under a chart stands where
    it stood. (A chart given no height took 150 pixels until it loaded and 380 after, and a click on a link under
    it landed on the next chart's bar.)"""
    world = World("Alpha")
    _review(world, date(2025, 1, 15), taken=12, reference="SI-A1")
    _review(world, date(2025, 3, 20), taken=44, reason="Complexity", reference="SI-A3")
    keys = ("notification", "timeliness", "decisions")
    held = []

    def hold(route):  # Playwright inspects a handler's parameters, which a bound builtin like held.append lacks
        held.append(route)

    page.route(re.compile(r"/scrutiny/[a-z_]+\.svg"), hold)

    _sign_in_with_code(page, base_url, world.bm)
    # Not "load": that waits for the charts, which are held.
    page.goto(
        base_url + reverse("scrutiny:dashboard", kwargs={"slug": world.partnership.slug}) + "?year=2025",
        wait_until="domcontentloaded",
    )
    for _ in range(100):
        if len(held) >= len(keys):
            break
        page.wait_for_timeout(50)
    assert len(held) >= len(keys), "the charts were asked for"

    def tables_at() -> dict[str, float]:
        return {key: page.get_by_test_id(f"table-{key}").bounding_box()["y"] for key in keys}

    before = tables_at()
    for route in held:
        route.continue_()
    for key in keys:
        chart_document(page.get_by_test_id(f"chart-{key}"))
    assert tables_at() == before


def test_filtering_by_quarter_and_agency_and_following_a_figure(page: Page, base_url, axe):
    world = World("Alpha")
    _review(world, date(2025, 3, 31), taken=44, reference="SI-Q1")  # the council refers (the factory's default)
    _review(world, date(2025, 4, 1), taken=51, reference="SI-Q2")
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("scrutiny:dashboard", kwargs={"slug": slug}))
    page.get_by_label("Period", exact=True).select_option("quarter")
    page.get_by_label("Year", exact=True).select_option("2025")
    page.get_by_label("Quarter", exact=True).select_option("2")
    page.get_by_label("Agency", exact=True).select_option(label=world.council.name)
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_test_id("panel-timeliness").get_by_role("heading")).to_have_text(
        "Rapid review timeliness, reviews notified in 2025 Q2"
    )
    assert_accessible(axe, page, label="scrutiny dashboard, filtered")

    # The "Late" figure of 2025 Q2: the records behind it, and only those.
    page.get_by_test_id("table-timeliness").get_by_role("row", name="2025 Q2").get_by_role("link").click()
    expect(page.get_by_test_id("figure-records")).to_contain_text("SI-Q2")
    expect(page.get_by_test_id("figure-records")).not_to_contain_text("SI-Q1")
    assert_accessible(axe, page, label="a figure's records")

    # Bad dates: the message beside the field and in the summary, the page still whole.
    page.goto(base_url + reverse("scrutiny:dashboard", kwargs={"slug": slug}))
    page.get_by_label("Period", exact=True).select_option("custom")
    page.get_by_label("From", exact=True).fill("2025-02-01")
    page.get_by_label("To", exact=True).fill("2025-01-01")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator("#id_end-error")).to_contain_text("The last day must be the same as or after the first day.")
    assert_accessible(axe, page, label="scrutiny dashboard, refused dates")
