"""An export in a browser: asked for from the cycle's page, its progress page refreshing itself until the
workbook is ready (a real worker writes it), the download, and a failure's "Try again"; axe on each state."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from partnership.models import ExportJob
from tests.audits.sa_helpers import cycle_make
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make

pytestmark = pytest.mark.django_db(transaction=True)


def _signed_in(page: Page, base_url: str, world: World) -> None:
    static_code_make(world.bm, code="24681357")
    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("24681357")
    page.get_by_role("button", name="Continue").click()


def test_every_return_is_exported_by_the_worker_and_downloaded(page: Page, base_url, axe, exports_worker):
    world = World("Alpha")
    cycle = cycle_make(world).cycle
    _signed_in(page, base_url, world)
    page.goto(base_url + reverse("audits:cycle_detail", kwargs={"slug": world.partnership.slug, "cycle_id": cycle.pk}))

    page.get_by_role("button", name="Export every return (Excel)").click()

    expect(page.get_by_role("heading", name=f"Every return, {cycle.title}")).to_be_visible()
    status = page.get_by_role("status")
    expect(status).to_be_visible()
    assert_accessible(axe, page, label="an export's progress page")
    # The page refreshes itself (no reload asked for): the worker's result appears in the status region.
    expect(status.get_by_test_id("export-download")).to_be_visible(timeout=30_000)
    expect(status).to_contain_text("44 rows")
    assert_accessible(axe, page, label="a finished export's page")
    with page.expect_download() as download_info:
        status.get_by_test_id("export-download").click()
    download = download_info.value
    assert download.suggested_filename == f"self-assessment-returns-{world.partnership.slug}-section_11-2026.xlsx"
    book = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    assert book.active.max_row == 45


def test_a_failed_export_says_so_and_can_be_tried_again(page: Page, base_url, axe):
    world = World("Alpha")
    cycle = cycle_make(world).cycle
    job = ExportJob.objects.create(
        partnership=world.partnership,
        kind="sa.cycle_returns",
        parameters={"cycle_id": cycle.pk, "agency_id": None},
        title=f"Every return, {cycle.title}",
        state=ExportJob.State.FAILED,
        error="The export could not be made. Try again; if it fails again, tell your administrator.",
        requested_by=world.bm,
        finished_at=timezone.now(),
    )
    _signed_in(page, base_url, world)
    page.goto(
        base_url + reverse("partnership:export_status", kwargs={"slug": world.partnership.slug, "job_id": job.pk})
    )

    expect(page.get_by_role("status")).to_contain_text("The export could not be made.")
    assert_accessible(axe, page, label="a failed export's page")
    page.get_by_role("button", name="Try again").click()

    expect(page.get_by_role("status")).to_contain_text("Queued")
    job.refresh_from_db()
    assert job.state in {ExportJob.State.QUEUED, ExportJob.State.RUNNING, ExportJob.State.DONE}
