"""In a real browser: a partner lead's decision on the sign-off page, and a PDF's progress page.

The progress page is watched while the worker's service runs: htmx's polling
must swap in "Ready" by itself (under the site's CSP), and the download must
arrive as a PDF file.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from partnership.models import Role, SignOff
from partnership.models.signoff import Approver
from partnership.services.documents import document_render_request, document_render_version
from partnership.services.signoff import sign_off_request
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, membership_make, static_code_make

pytestmark = pytest.mark.django_db(transaction=True)


def _sign_in_with_code(page: Page, base_url: str, person) -> None:
    static_code_make(person, code="24681357")
    sign_in(page, base_url, person.email)
    page.get_by_label("Security code").fill("24681357")
    page.get_by_role("button", name="Continue").click()


def test_a_partner_lead_decides_on_the_sign_off_page(page: Page, base_url, axe):
    world = World("Alpha")
    sign_off = sign_off_request(partnership=world.partnership, actor=world.bm, subject=world.school)
    _sign_in_with_code(page, base_url, world.police_lead.person)

    url = reverse("partnership:sign_off_detail", kwargs={"slug": world.partnership.slug, "sign_off_id": sign_off.pk})
    page.goto(base_url + url)
    expect(page.get_by_test_id("sign-off-state")).to_contain_text("0 of 3 partners have approved")
    assert_accessible(axe, page, label="sign-off page")

    # Send back without saying why: refused, next to the field and in the summary, focused.
    page.get_by_label("Send back with a comment").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_sign_off-comment-error")).to_contain_text("Say why you are sending it back.")
    assert_accessible(axe, page, label="sign-off page with errors")

    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".notification")).to_contain_text("It is waiting for the other partners.")
    expect(page.locator('[data-partner="police"]')).to_contain_text("Approved")
    expect(page.get_by_test_id("sign-off-form")).to_have_count(0)
    assert SignOff.objects.get(pk=sign_off.pk).state == SignOff.State.AWAITING


def test_the_progress_page_updates_itself_and_the_pdf_downloads(page: Page, base_url, axe):
    world = World("Alpha")
    version = document_render_request(
        partnership=world.partnership,
        actor=world.bm,
        subject=world.school,
        kind="print_test",
        title="Alpha school record",
        template_name="documents/base_print.html",
        context={},
    )
    _sign_in_with_code(page, base_url, world.bm)

    url = reverse("partnership:document_status", kwargs={"slug": world.partnership.slug, "version_id": version.pk})
    page.goto(base_url + url)
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "queued")
    assert_accessible(axe, page, label="document progress (queued)")

    # The worker's side, run here; the open page learns of it by polling, without a reload.
    document_render_version(version_id=version.pk)
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "ready", timeout=10_000)
    assert_accessible(axe, page, label="document progress (ready)")

    with page.expect_download() as download_info:
        page.get_by_test_id("document-download").click()
    download = download_info.value
    assert re.fullmatch(r"alpha-school-record-v1\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"


def test_a_named_approver_decides_on_the_sign_off_page(page: Page, base_url, axe):
    # An s175-style set: a head teacher and a governor by name, neither of them a partner lead.
    world = World("Alpha")
    head = membership_make(
        partnership=world.partnership, agency=world.school, roles=[Role.PRACTITIONER], full_name="Head Teacher"
    )
    governor = world.lay_member
    sign_off = sign_off_request(
        partnership=world.partnership,
        actor=world.bm,
        subject=world.school,
        approvers=[
            Approver.person(head.person, label="Head teacher"),
            Approver.person(governor.person, label="Governor"),
        ],
    )
    sign_in(page, base_url, governor.person.email)  # a lay member needs no second factor

    url = reverse("partnership:sign_off_detail", kwargs={"slug": world.partnership.slug, "sign_off_id": sign_off.pk})
    page.goto(base_url + url)
    expect(page.get_by_test_id("sign-off-state")).to_contain_text("0 of 2 approvers have approved")
    expect(page.get_by_role("row", name="Head teacher")).to_contain_text("Not decided yet")
    assert_accessible(axe, page, label="sign-off page, named approvers")

    page.get_by_label("Approve").check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".notification")).to_contain_text("It is waiting for the other approvers.")
    expect(page.locator(f'[data-partner="person:{governor.person_id}"]')).to_contain_text("Approved")
    expect(page.get_by_test_id("sign-off-decided")).to_contain_text("You have decided this round.")
    assert_accessible(axe, page, label="sign-off page, after a named approver decided")
