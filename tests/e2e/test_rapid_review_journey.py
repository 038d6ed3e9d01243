"""A rapid review from end to end in a real browser, as the people who do it.

The business manager records a serious incident; the school's practitioner
finds the request among their tasks and submits the return; the business
manager records the meeting and the decision; each partner lead follows the
emailed link, signs in and approves; the rapid review template is made into
a PDF by a real Celery worker and downloaded. Only the partnership and its
people are made directly: everything else goes through the pages, and each
key page is checked with axe on the way.

The worker consumes a documents queue of its own on the configured broker
(Redis with ``REDIS_URL``, else the filesystem transport in a folder of its
own), so the progress page waits on the real render, as people do.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from partnership.selectors import working_day_calendar
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import TEST_PASSWORD, World, static_code_make
from tests.reviews.decision_helpers import REASONS, working_days_ago

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.worker]

CHILD = "Robin Journeychild"
# WeasyPrint's first render in a process loads its fonts: allow for it.
RENDER_SECONDS = 60


def _verify(page: Page, code: str) -> None:
    page.get_by_label("Security code").fill(code)
    page.get_by_role("button", name="Continue").click()


def _sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def _nav(page: Page, world: World):
    return page.get_by_role("navigation", name=world.partnership.name)


def _pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


def test_an_incident_becomes_a_signed_off_decision_and_a_downloaded_pdf(
    page: Page, base_url, axe, settings, documents_worker
):
    settings.SITE_URL = base_url  # the emailed links lead back to this live server
    world = World("Alpha")
    bm_code, practitioner = "24681357", world.practitioner.person
    static_code_make(world.bm, code=bm_code)
    today = timezone.localdate()
    # Notified nine working days ago: today is in the meeting window, so the meeting is held today.
    notified = working_days_ago(world, 9)
    due = today + timedelta(days=7)
    panel_due = working_day_calendar(partnership=world.partnership).add_working_days(notified, 15)

    # 1. The business manager records the incident and lands on its rapid review.
    sign_in(page, base_url, world.bm.email)
    _verify(page, bm_code)
    _nav(page, world).get_by_role("link", name="Rapid reviews").click()
    page.get_by_role("link", name="Record a serious incident").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Record a serious incident notification")
    assert_accessible(axe, page, label="record an incident")

    page.get_by_label("Date of the incident").fill((notified - timedelta(days=2)).isoformat())
    page.get_by_label("Date the local authority became aware").fill(notified.isoformat())
    page.get_by_label("Date the national Panel was notified").fill(notified.isoformat())
    page.get_by_label("Serious harm").check()
    page.get_by_label("What happened (optional)").fill("Admitted to hospital with injuries that were not explained.")
    page.get_by_label("Referring agency").select_option(label=world.council.name)
    for agency in (world.icb, world.police, world.school):
        page.get_by_label(agency.name, exact=True).check()
    child = page.get_by_test_id("child-row").first
    child.get_by_label("Full name").fill(CHILD)
    child.get_by_label("Date of birth (optional)").fill("2016-04-12")
    page.get_by_role("button", name="Record the incident and open the rapid review").click()

    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(re.compile(r"Rapid review SI-\d{4}-\d{3}"))
    reference = re.search(r"SI-\d{4}-\d{3}", heading.inner_text()).group(0)
    review_url = page.url
    timeline = page.get_by_test_id("timeline")
    expect(timeline.locator("tbody tr")).to_have_count(4)
    expect(timeline.locator('[data-milestone="scoping"]')).to_contain_text("Overdue")
    expect(timeline.locator('[data-milestone="panel"]')).to_contain_text(date_format(panel_due, "j M Y"))
    expect(page.get_by_test_id("children")).to_have_text("Child A")
    expect(page.locator("body")).not_to_contain_text(CHILD)
    assert_accessible(axe, page, label="rapid review")

    # 2. The business manager asks the school, naming its practitioner.
    page.get_by_role("link", name="Ask agencies for information").click()
    assert_accessible(axe, page, label="ask agencies")
    for agency in (world.council, world.icb, world.police):
        page.get_by_label(f"Ask {agency.name}", exact=True).uncheck()
    expect(page.get_by_label(f"Ask {world.school.name}", exact=True)).to_be_checked()
    page.get_by_label(f"Person at {world.school.name} who will complete the return").select_option(
        label=practitioner.full_name
    )
    page.get_by_label("Due date (optional)").fill(due.isoformat())
    page.get_by_role("button", name="Send the requests").click()
    tracker = page.get_by_test_id("request-tracker")
    expect(tracker.get_by_role("row", name=world.school.name)).to_contain_text("Requested")
    _sign_out(page)

    # The practitioner (no second factor) finds the return among their tasks and submits it.
    sign_in(page, base_url, practitioner.email)
    _nav(page, world).get_by_role("link", name="My tasks").click()
    page.get_by_role("link", name=f"{reference}: information return from {world.school.name}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Scoping and information-sharing return: {world.school.name}"
    )
    expect(page.get_by_test_id("request-state")).to_have_text("Requested")
    assert_accessible(axe, page, label="return")
    page.get_by_label("Involvement with the child and family").press_sequentially("Seen at school daily.")
    expect(page.get_by_test_id("autosave-status")).to_contain_text(re.compile(r"Draft saved at \d\d:\d\d"))
    answers = {
        "Key practice episodes": "A bruise noted by the class teacher in March.",
        "Good practice": "The referral was made the same day.",
        "What could have been done differently": "The strategy discussion could have included school.",
        "Immediate safety concerns": "None now: the sibling is safe.",
        "Unexpected practice or issues of note": "None.",
    }
    for label, answer in answers.items():
        page.get_by_label(label, exact=True).fill(answer)
    page.get_by_role("button", name="Submit the return").click()
    expect(page.locator(".notification")).to_contain_text("Your return has been submitted.")
    expect(page.get_by_test_id("request-state")).to_have_text("Submitted")
    expect(page.get_by_test_id("answers")).to_contain_text("Seen at school daily.")
    expect(page.get_by_test_id("answers")).to_contain_text("The referral was made the same day.")
    assert_accessible(axe, page, label="submitted return")
    page.get_by_role("link", name="Your information requests").click()
    expect(page.get_by_test_id("request-tracker").get_by_role("row", name=reference)).to_contain_text("Submitted")
    _sign_out(page)

    # The business manager sees it submitted in the tracker.
    sign_in(page, base_url, world.bm.email)
    static_code_make(world.bm, code="13572468")  # a backup code is used once: the next sign-in needs another
    _verify(page, "13572468")
    page.goto(review_url)
    row = page.get_by_test_id("request-tracker").get_by_role("row", name=world.school.name)
    expect(row).to_contain_text("Submitted")
    expect(row).to_contain_text(practitioner.full_name)

    # 3. The meeting: held today, the three partners represented.
    page.get_by_role("link", name="Set the meeting date and attendees").click()
    page.get_by_label("Date of the rapid review meeting").fill(today.isoformat())
    page.get_by_role("button", name="Save the date").click()
    expect(page.get_by_role("status").filter(has_text="The meeting is set for")).to_be_visible()
    # The local authority's partner lead, chosen from the members; health and police by name.
    page.get_by_label("A member of the partnership (optional)").select_option(
        label=f"{world.la_lead.person.full_name}, {world.council.name}"
    )
    page.get_by_role("button", name="Add attendee").click()
    expect(page.get_by_role("status").filter(has_text="Added")).to_have_text(
        f"Added {world.la_lead.person.full_name} to the meeting."
    )
    for name, job_title, agency in (
        ("Dr Hana Health", "Designated doctor", world.icb),
        ("DI Pat Police", "Detective inspector", world.police),
    ):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Job title or role").fill(job_title)
        page.get_by_label("Agency or organisation").select_option(label=agency.name)
        page.get_by_role("button", name="Add attendee").click()
        expect(page.get_by_role("status").filter(has_text="Added")).to_have_text(f"Added {name} to the meeting.")
    expect(page.get_by_test_id("attendees").locator("tbody tr")).to_have_count(3)
    expect(page.get_by_test_id("quorum-status")).to_contain_text("Quorate")
    assert_accessible(axe, page, label="meeting, quorate")

    # The decision: a local child safeguarding practice review, with reasons against each criterion.
    page.get_by_role("link", name="Go to the decision").click()
    page.get_by_label("Local child safeguarding practice review").check()
    labels = {
        "reason_improvements_needed": "The case highlights improvements needed to safeguard children",
        "reason_recurrent_themes": "It highlights recurrent themes",
        "reason_agencies_working_together": "It highlights concerns about how agencies worked together",
        "reason_panel_view": "The national Panel's view or likely view",
    }
    for field, label in labels.items():
        page.get_by_label(label).fill(REASONS[field])
    assert_accessible(axe, page, label="decision form")
    mail.outbox.clear()
    page.get_by_role("button", name="Record the decision and ask for sign-off").click()
    expect(page.locator(".notification-success")).to_contain_text("have been asked to sign it off")
    expect(page.get_by_test_id("review-state")).to_have_text("Decision awaiting partner sign-off")
    expect(page.get_by_test_id("sign-off-state")).to_contain_text("0 of 3 partners have approved")
    [ask] = [m for m in mail.outbox if "needs your sign-off" in m.subject]
    assert set(ask.to) == {lead.person.email for lead in (world.la_lead, world.health_lead, world.police_lead)}
    link = re.search(r"https?://\S+/decision/", ask.body).group(0)
    _sign_out(page)

    # 4. Each partner lead follows the emailed link, signs in with their second factor and approves.
    leads = [
        (world.la_lead, "local authority", "11112222"),
        (world.health_lead, "health", "33334444"),
        (world.police_lead, "police", "55556666"),
    ]
    for number, (lead, partner, code) in enumerate(leads, start=1):
        static_code_make(lead.person, code=code)
        page.goto(link)
        expect(page).to_have_url(re.compile(r"/account/login/"))
        page.get_by_label("Email address").fill(lead.person.email)
        page.get_by_label("Password").fill(TEST_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        _verify(page, code)
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapid review decision: {reference}")
        expect(page.get_by_test_id("decision")).to_contain_text("Local child safeguarding practice review")
        if number == 1:
            assert_accessible(axe, page, label="decision awaiting sign-off")
        page.get_by_role("button", name=f"Approve for {partner}").click()
        if number < len(leads):
            expect(page.locator(".notification-success")).to_contain_text(f"You approved the decision for {partner}.")
            expect(page.get_by_test_id("sign-off-state")).to_contain_text(f"{number} of 3 partners have approved")
        else:
            expect(page.locator(".notification-success")).to_contain_text("all three partners have now signed it off.")
        expect(page.get_by_test_id(f"sign-off-actions-{partner.replace(' ', '_')}")).to_have_count(0)
        _sign_out(page)

    # 5. The business manager sees it signed off and asks for the template as a PDF.
    sign_in(page, base_url, world.bm.email)
    static_code_make(world.bm, code="86427531")
    _verify(page, "86427531")
    page.goto(link)
    expect(page.get_by_test_id("review-state")).to_have_text("Decision signed off")
    expect(page.get_by_test_id("sign-off-state")).to_contain_text("Signed off by all three partners")
    assert_accessible(axe, page, label="decision signed off")
    page.get_by_role("button", name="Create PDF", exact=True).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Rapid review template {reference}")
    progress = page.get_by_test_id("document-progress")
    expect(progress).to_have_attribute("data-state", re.compile(r"queued|rendering|ready"))
    assert_accessible(axe, page, label="document progress")
    # The worker renders it; the open page learns of it by polling, without a reload.
    expect(progress).to_have_attribute("data-state", "ready", timeout=RENDER_SECONDS * 1000)
    assert_accessible(axe, page, label="document ready")

    with page.expect_download() as download_info:
        page.get_by_test_id("document-download").click()
    download = download_info.value
    assert download.suggested_filename == f"rapid-review-template-{reference.lower()}-v1.pdf"
    with open(download.path(), "rb") as file:
        pdf = file.read()
    assert pdf.startswith(b"%PDF-")
    text = _pdf_text(pdf)
    for expected in (
        "Rapid Review",
        f"Case reference {reference}",
        "List of Participants in Rapid Review",
        "The meeting was quorate.",
        "Local child safeguarding practice review",
        REASONS["reason_recurrent_themes"],
        "Sign-off by the safeguarding partners",
        "Dr Hana Health",
        "Child A",
    ):
        assert expected in text, expected
    assert "Draft:" not in text  # signed off: the final template
    assert CHILD not in text  # the general version names no child
