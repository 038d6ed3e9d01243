"""In a real browser: an agency lead records progress with an evidence file, then the business manager makes
the board report and downloads its PDF and its Word copy. axe runs on every page of the action plans."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from docx import Document as WordDocument
from playwright.sync_api import Browser, Page, expect

from partnership.models import DocumentVersion
from partnership.models.recommendations import Action, ActionUpdate, Rag, Recommendation, StoredFile
from partnership.services.documents import document_render_version
from partnership.services.progress_reports import SECTION_HEADINGS
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.partnership.action_plan_factories import PDF_BYTES, recommendation_make
from tests.partnership.test_documents import _pdf_text

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_agency_lead_records_progress_and_the_business_manager_downloads_the_board_report(
    page: Page, browser: Browser, base_url, axe, tmp_path
):
    world = World("Alpha")
    recommendation = recommendation_make(world, state=Recommendation.State.IN_PROGRESS)
    action = Action.objects.get(plan__recommendation=recommendation)
    slug = world.partnership.slug
    evidence = tmp_path / "training-register.pdf"
    evidence.write_bytes(PDF_BYTES)

    # The school's agency lead (no second factor for the role) records progress on their agency's action.
    sign_in(page, base_url, world.agency_lead.person.email)
    page.goto(base_url + reverse("partnership:action_detail", kwargs={"slug": slug, "action_id": action.pk}))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Action 1 for {recommendation.reference}")
    assert_accessible(axe, page, label="action page")
    page.get_by_role("button", name="Record progress").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_note-error")).to_contain_text("Write what has happened since the last update.")
    assert_accessible(axe, page, label="action page with errors")
    page.get_by_label("Progress", exact=True).fill(
        "Three of five training sessions delivered; the register is attached."
    )
    page.get_by_label("Amber: at risk").check()
    page.get_by_label("Evidence (optional)").set_input_files(str(evidence))
    page.get_by_role("button", name="Record progress").click()
    expect(page.locator(".notification")).to_contain_text("Your progress update is recorded.")
    expect(page.get_by_test_id("evidence")).to_contain_text("training-register.pdf")
    update = ActionUpdate.objects.get(action=action)
    assert update.rag == Rag.AMBER
    assert StoredFile.objects.get(owner_id=update.pk, owner_type__model="actionupdate").data == PDF_BYTES
    with page.expect_download() as download:
        page.get_by_role("link", name="training-register.pdf").click()
    assert download.value.suggested_filename == "training-register.pdf"

    # The business manager, in a browser of their own: the plan, its forms, then the board report.
    bm = browser.new_context().new_page()
    _sign_in_with_code(bm, base_url, world.bm)
    plan = reverse("partnership:action_plan_detail", kwargs={"slug": slug, "recommendation_id": recommendation.pk})
    bm.goto(base_url + plan)
    expect(bm.get_by_test_id("rag-summary")).to_contain_text("1 amber")
    assert_accessible(axe, bm, label="action plan page")
    bm.get_by_role("link", name="Add an action").click()
    assert_accessible(axe, bm, label="add an action page")
    bm.goto(base_url + reverse("partnership:action_edit", kwargs={"slug": slug, "action_id": action.pk}))
    assert_accessible(axe, bm, label="change an action page")

    bm.goto(base_url + reverse("partnership:progress_report_list", kwargs={"slug": slug}))
    assert_accessible(axe, bm, label="progress reports page")
    bm.get_by_label("Title").fill("Progress report to the board")
    bm.get_by_role("button", name="Make the report").click()
    expect(bm.get_by_role("heading", level=1)).to_have_text("Progress report to the board")
    assert_accessible(axe, bm, label="progress report page (PDF queued)")
    version = DocumentVersion.objects.get(document__kind="board.progress_report")
    document_render_version(version_id=version.pk)  # the worker's side, run here
    bm.reload()
    with bm.expect_download() as pdf_download:
        bm.get_by_role("link", name="Download the PDF").click()
    with bm.expect_download() as docx_download:
        bm.get_by_role("link", name="Download the Word document").click()

    pdf_text = _pdf_text(pdf_download.value.path().read_bytes())
    assert all(heading in pdf_text for heading in SECTION_HEADINGS)
    assert recommendation.reference in pdf_text or "Amber" in pdf_text
    word = WordDocument(io.BytesIO(docx_download.value.path().read_bytes()))
    assert [p.text for p in word.paragraphs if p.style.name == "Heading 1"] == list(SECTION_HEADINGS)
