"""Issue 17's journey, in a real browser: the independent scrutineer narrows the dashboard to an agency's year,
follows a bar of a chart to the reviews behind it, raises a challenge about the figure with that agency; the
agency's lead answers it; the annual report, made as PDF, reads back with the figure and the challenge."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from partnership.models import DocumentVersion
from partnership.services.documents import document_render_version
from reviews.models import SeriousIncident
from scrutiny.selectors.reports import year_label
from tests.e2e.conftest import assert_accessible, chart_document
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_rapid_review_journey import _pdf_text, _sign_out
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.reviews.factories import CHILD_NAME
from tests.reviews.test_timeliness import _review

pytestmark = pytest.mark.django_db(transaction=True)


def test_from_a_bar_to_a_challenge_answered_and_the_annual_report(page: Page, base_url, axe):
    world = World("Alpha")
    slug = world.partnership.slug
    # Two late rapid reviews in this reporting year (April to March), whatever today is: one the school referred,
    # one the council did. Only the school's is behind the bar once the dashboard is narrowed to the school.
    today = timezone.localdate()
    year_start = date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    notified = max(year_start, today - timedelta(days=40))
    school_review = _review(world, notified, taken=44, reason="Awaiting the school's chronology", reference="SI-J1")
    SeriousIncident.objects.filter(partnership=world.partnership, pk=school_review.incident_id).update(
        referring_agency=world.school
    )
    _review(world, notified, taken=30, reference="SI-J2")
    bar = f"{notified.year} Q{(notified.month - 1) // 3 + 1}, Late: 1"

    _sign_in_with_code(page, base_url, world.scrutineer.person)
    page.goto(base_url + reverse("scrutiny:dashboard", kwargs={"slug": slug}))
    page.get_by_label("Period", exact=True).select_option("year")
    page.get_by_label("Year", exact=True).select_option(str(notified.year))
    page.get_by_label("Agency", exact=True).select_option(label=world.school.name)
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(rf"agency={world.school.pk}"))
    assert_accessible(axe, page, label="the dashboard, narrowed to the school")

    # The bar, in the chart's own document: one late review now (two without the agency).
    chart_document(page.get_by_test_id("chart-timeliness")).get_by_role("link", name=bar).click()
    records = page.get_by_test_id("figure-records")
    expect(records).to_contain_text("SI-J1")
    expect(records).not_to_contain_text("SI-J2")
    expect(records).to_contain_text(world.school.name)
    assert_accessible(axe, page, label="the bar's records")

    # Back on the narrowed dashboard, the challenge about that figure, addressed to the school.
    page.get_by_role("link", name="Back to the scrutiny dashboard").click()
    page.get_by_test_id("challenge-timeliness").click()
    page.get_by_label("Addressed to").select_option(label=world.school.name)
    page.get_by_label("Your challenge").fill("SI-J1 went to the Panel on day 44: what held up the school's return?")
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.get_by_role("heading", name="Challenge CH-")).to_be_visible()
    reference = page.get_by_role("heading", level=1).inner_text().removeprefix("Challenge ").strip()
    # The challenge keeps the figure it is about: the dashboard as the scrutineer narrowed it.
    expect(page.get_by_test_id("challenge-subject")).to_have_attribute(
        "href", re.compile(rf"/p/{slug}/scrutiny/\?.*year={notified.year}.*agency={world.school.pk}")
    )
    _sign_out(page)

    # The school's agency lead answers it from their tasks.
    sign_in(page, base_url, world.agency_lead.person.email)
    page.goto(base_url + reverse("partnership:my_tasks", kwargs={"slug": slug}))
    page.get_by_role("link", name="Answer scrutiny challenge").click()
    page.get_by_label("Your answer").fill("The chronology waited on a safeguarding lead's leave; cover is now named.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_test_id("challenge-response")).to_contain_text("cover is now named")
    _sign_out(page)

    # The scrutineer's annual report for the year: made (the worker's render run here), downloaded, read.
    _sign_in_with_code(page, base_url, world.scrutineer.person)
    page.goto(base_url + reverse("scrutiny:report_list", kwargs={"slug": slug}))
    page.get_by_label("Annual report").check()
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Annual report {year_label(year_start.year)}")
    page.get_by_role("button", name="Make the report (PDF and Word)").click()
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "queued")
    version = DocumentVersion.objects.get(partnership=world.partnership, document__kind="scrutiny_report")
    document_render_version(version_id=version.pk)
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "ready", timeout=10_000)
    assert_accessible(axe, page, label="the annual report, ready")
    with page.expect_download() as download_info:
        page.get_by_test_id("document-download").click()
    with open(download_info.value.path(), "rb") as pdf:
        text = _pdf_text(pdf.read())
    for expected in (
        f"Annual report {year_label(year_start.year)}",
        "Rapid review timeliness",  # the dashboard's chart and table for the year
        "Challenges and responses",
        reference,
        world.school.name,
        "Responded",
    ):
        assert expected in text, expected
    assert CHILD_NAME not in text
