"""In a real browser, the annual report: the independent scrutineer starts it from the navigation, writes the
introduction and a further section, asks for the report, follows its progress (the worker's render is run here) and
downloads both files of the version: the PDF and the Word copy read back have the narrative and the agencies' annual
reports, and no child's name. The versions page and the agencies' annual reports pages are visited too. axe runs on
every page."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from partnership.models import DocumentVersion
from partnership.services.documents import document_render_version
from scrutiny.models import ReportNarrative, ScrutinyReport
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.reviews.factories import CHILD_NAME, rapid_review_make
from tests.scrutiny.report_helpers import agency_report, received

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_scrutineer_writes_and_downloads_the_annual_report(page: Page, base_url, axe):
    world = World("Alpha")
    rapid_review_make(world)  # a review naming a child: the report must not
    received(world, agency_report(world), summary="Eleven private fostering arrangements were notified.")
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.scrutineer.person)
    page.get_by_role("link", name="Scrutiny reports").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Scrutiny reports")
    assert_accessible(axe, page, label="scrutiny reports list")

    # A refusal first: a quarterly report needs its quarter.
    page.get_by_label("Quarterly scrutiny report").check()
    page.get_by_label("Reporting year").select_option(label="2025/26 (April 2025 to March 2026)")
    page.get_by_role("button", name="Start the report").click()
    expect(page.locator(".error-summary")).to_contain_text("Choose the quarter")
    assert_accessible(axe, page, label="start a report, with an error")

    page.get_by_label("Annual report").check()
    page.get_by_role("button", name="Start the report").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Annual report 2025/26")
    assert_accessible(axe, page, label="the report's page")
    report = ScrutinyReport.objects.get(partnership=world.partnership)
    intro = ReportNarrative.objects.get(report=report, place="introduction")

    page.locator(f"textarea[name='n{intro.pk}-body']").fill("The scrutineer's view of the year.")
    page.get_by_role("button", name="Save introduction").click()
    expect(page.locator(".notification")).to_contain_text("Saved")
    page.locator("#add_heading").fill("Listening to children")
    page.locator("#add_body").fill("Children's views changed two plans this year.")
    page.get_by_role("button", name="Add the section").click()
    expect(page.locator(".notification")).to_contain_text("Added")
    assert_accessible(axe, page, label="the report's page after writing")

    page.get_by_role("button", name="Make the report (PDF and Word)").click()
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "queued")
    assert_accessible(axe, page, label="the report's progress (queued)")
    version = DocumentVersion.objects.get(partnership=world.partnership, document__kind="scrutiny_report")
    document_render_version(version_id=version.pk)  # the worker's side, run here
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "ready", timeout=10_000)
    assert_accessible(axe, page, label="the report's progress (ready)")
    with page.expect_download() as download_info:
        page.get_by_test_id("document-download").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in (
        "Annual report 2025/26",
        "Contents",
        "The scrutineer's view of the year.",
        "Listening to children",
        "Eleven private fostering arrangements were notified.",
    ):
        assert expected in text, expected
    assert CHILD_NAME not in text
    with page.expect_download() as download_info:
        page.get_by_test_id("document-download-beside").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-v1.docx")
    with open(download.path(), "rb") as docx:
        word = WordDocument(io.BytesIO(docx.read()))
    body = "\n".join(p.text for p in word.paragraphs)
    for expected in ("The scrutineer's view of the year.", "Eleven private fostering arrangements were notified."):
        assert expected in body, expected
    assert CHILD_NAME not in body

    page.goto(base_url + reverse("scrutiny:report_versions", kwargs={"slug": slug, "scrutiny_report_id": report.pk}))
    expect(page.get_by_test_id("report-versions")).to_contain_text("Version 1")
    expect(page.get_by_test_id("docx-download")).to_have_text("Word, version 1")
    assert_accessible(axe, page, label="the report's versions")
    page.goto(base_url + reverse("scrutiny:agency_report_list", kwargs={"slug": slug}))
    assert_accessible(axe, page, label="agencies' annual reports")
    page.get_by_role("link", name="Private fostering annual report").click()
    expect(page.get_by_test_id("received")).not_to_have_text("Not yet")
    assert_accessible(axe, page, label="an agency's annual report")
