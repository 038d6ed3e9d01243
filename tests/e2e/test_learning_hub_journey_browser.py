"""In a real browser, one learning hub cycle from nomination to findings report: a partner lead nominates a
member, the business manager shortlists and puts the shortlist to the partners, a partner lead approves on the
sign-off page (the other two by service), the business manager schedules a session and downloads its .ics, adds
a delivery plan figure and saves a version, records practitioners' feedback, records a finding and a draft
recommendation and agrees it, then asks for the findings report: the worker's render is run here and the PDF
read back has every section. axe runs on every page the journey visits.

The cycle is made by service so that today falls in month 4 (findings are refused before it); the per-part
browser tests cover each page's refusals, this one the hand-offs between the parts."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect
from pypdf import PdfReader

from learninghub.models import HubDraftRecommendation, HubNomination, PhaseKind
from partnership.models import DocumentVersion
from partnership.models.recommendations import Recommendation
from partnership.selectors import working_day_calendar
from partnership.services.documents import document_render_version
from partnership.services.signoff import sign_off_approve
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.findings_helpers import cycle_in, themes
from tests.learninghub.member_helpers import sign_off_of

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cycle_runs_from_nomination_to_the_findings_report(page: Page, browser: Browser, base_url, axe):
    world = World("Alpha")
    themes(world)
    cycle = cycle_in(world, PhaseKind.FINDINGS)
    slug = world.partnership.slug
    cycle_url = base_url + reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk})

    # A partner lead, in a browser of their own, nominates a member on the members tab.
    lead = browser.new_context().new_page()
    _sign_in_with_code(lead, base_url, world.police_lead.person)
    lead.goto(cycle_url)
    assert_accessible(axe, lead, label="cycle page (partner lead)")
    lead.get_by_test_id("members-link").click()
    assert_accessible(axe, lead, label="members tab (partner lead)")
    lead.get_by_test_id("nominate-link").click()
    assert_accessible(axe, lead, label="nominate a member")
    lead.get_by_label("Who").select_option(label="Alpha Practitioner (Alpha Primary School)")
    lead.get_by_label("Practitioner").check()
    lead.get_by_role("button", name="Nominate").click()
    expect(lead.locator(".notification")).to_contain_text("Nominated Alpha Practitioner")

    # The business manager shortlists it and puts the shortlist to the partners.
    _sign_in_with_code(page, base_url, world.bm)
    page.goto(cycle_url)
    assert_accessible(axe, page, label="cycle page in month 4")
    page.get_by_test_id("members-link").click()
    page.get_by_test_id("nomination").filter(has_text="Alpha Practitioner").get_by_role(
        "button", name="Shortlist"
    ).click()
    expect(page.get_by_test_id("nomination").filter(has_text="Alpha Practitioner")).to_have_attribute(
        "data-state", "shortlisted"
    )
    page.get_by_role("button", name="Put the shortlist to the partners").click()
    expect(page.get_by_test_id("awaiting")).to_be_visible()
    assert_accessible(axe, page, label="members tab awaiting sign-off")

    # The partner lead approves on the sign-off page; the other two partners by service.
    lead.reload()  # still on the members tab (its address ends in #nomination-…: goto would not load)
    lead.get_by_test_id("decide-link").click()
    assert_accessible(axe, lead, label="the membership's sign-off page")
    lead.get_by_label("Approve").check()
    lead.get_by_role("button", name="Record decision").click()
    expect(lead.locator(".notification")).to_contain_text("It is waiting for the other partners.")
    nomination = HubNomination.objects.get(member=world.practitioner)
    sign_off = sign_off_of(world, nomination.round)
    for membership in (world.la_lead, world.health_lead):
        sign_off = sign_off_approve(partnership=world.partnership, membership=membership, sign_off=sign_off)
    page.reload()
    expect(page.get_by_test_id("confirmed-members")).to_contain_text("Alpha Practitioner")
    assert_accessible(axe, page, label="members tab with a confirmed member")

    # A session in a week's time, and its calendar entry.
    calendar = working_day_calendar(partnership=world.partnership)
    meeting = calendar.add_working_days(timezone.localdate(), 5)
    page.goto(cycle_url)
    page.get_by_role("link", name="Schedule a session").click()
    assert_accessible(axe, page, label="schedule a session")
    page.get_by_label("Kind of session").select_option(label="Month 4 meeting: findings and recommendations")
    page.get_by_label("Date").fill(meeting.isoformat())
    page.get_by_label("Starts").fill("10:00")
    page.get_by_label("Ends").fill("12:00")
    page.get_by_label("Place").fill("Civic Centre, room 2")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.locator(".notification")).to_contain_text("Scheduled “Month 4 meeting: findings and recommendations”.")
    assert_accessible(axe, page, label="session page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="The session's calendar entry (.ics)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    with open(download.path(), encoding="utf-8") as ics:
        invitation = ics.read()
    assert "BEGIN:VEVENT" in invitation
    assert f"{meeting:%Y%m%d}T" in invitation

    # The delivery plan: one figure, a version saved.
    page.goto(cycle_url)
    page.get_by_test_id("plan-link").click()
    page.get_by_test_id("plan-start").click()
    expect(page.locator(".notification")).to_contain_text("Started the delivery plan.")
    assert_accessible(axe, page, label="delivery plan")
    page.get_by_role("link", name="Add a figure").click()
    assert_accessible(axe, page, label="add a figure")
    page.get_by_label("Indicator").fill("Repeat missing episodes")
    page.get_by_label("Period").fill("2025-26 Q1")
    page.get_by_label("Value").fill("40")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("indicator-table")).to_contain_text("Repeat missing episodes")
    page.get_by_role("link", name="Save a version").click()
    assert_accessible(axe, page, label="save a version")
    page.get_by_role("button", name="Save the version").click()
    expect(page.get_by_test_id("versions")).to_contain_text("Version 1")
    assert_accessible(axe, page, label="delivery plan with a version")

    # Practitioners' feedback from a session of month 3.
    page.goto(cycle_url)
    page.get_by_test_id("feedback-link").click()
    assert_accessible(axe, page, label="feedback page")
    page.get_by_role("link", name="Record a session", exact=True).click()
    assert_accessible(axe, page, label="record a feedback session")
    page.get_by_label("Session", exact=True).fill("Practitioner forum, north locality")
    page.get_by_label("Held on").fill(calendar.subtract_working_days(timezone.localdate(), 10).isoformat())
    page.get_by_label("Practitioners attending").fill("25")
    page.get_by_label("Quotes").fill("Supervision helps me see the pattern")
    page.get_by_role("button", name="Save the session").click()
    expect(page.locator(".notification")).to_contain_text("Saved the feedback session.")
    expect(page.get_by_test_id("session")).to_contain_text("Supervision helps me see the pattern")

    # Month 4: a finding, a draft recommendation, agreed and put to the partners.
    page.goto(cycle_url)
    page.get_by_test_id("findings-link").click()
    assert_accessible(axe, page, label="findings page")
    page.locator("#finding_theme_id").select_option(index=1)
    page.get_by_label("What the hub found").fill("Return interviews are late for children placed out of area")
    page.get_by_role("button", name="Record the finding").click()
    expect(page.locator(".notification")).to_contain_text("Recorded the finding.")
    draft_form = page.get_by_test_id("draft-form")
    draft_form.get_by_label("Recommendation").fill("Hold every return interview within 72 hours")
    draft_form.get_by_label("Lead partner").select_option(index=1)
    draft_form.get_by_role("button", name="Draft the recommendation").click()
    expect(page.get_by_test_id("drafts")).to_contain_text("Hold every return interview within 72 hours")
    page.get_by_label("Hold every return interview within 72 hours").check()
    page.get_by_role("button", name="Agree and put to the partners").click()
    expect(page.locator(".notification")).to_contain_text("with the three partners for sign-off")
    draft = HubDraftRecommendation.objects.get(cycle=cycle)
    assert draft.recommendation.state == Recommendation.State.PROPOSED
    assert_accessible(axe, page, label="findings page after agreeing")

    # The findings report: asked for, rendered by the worker (run here), downloaded and read back.
    page.get_by_role("button", name="Make the report as PDF").click()
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "queued")
    assert_accessible(axe, page, label="findings report progress (queued)")
    version = DocumentVersion.objects.get(partnership=world.partnership, document__kind="hub_findings_report")
    document_render_version(version_id=version.pk)
    expect(page.get_by_test_id("document-progress")).to_have_attribute("data-state", "ready", timeout=10_000)
    assert_accessible(axe, page, label="findings report progress (ready)")
    with page.expect_download() as download_info:
        page.get_by_test_id("document-download").click()
    download = download_info.value
    assert re.search(r"\.pdf$", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        reader = PdfReader(io.BytesIO(pdf.read()))
    text = " ".join(" ".join(p.extract_text().split()) for p in reader.pages)
    for expected in (
        "The priority",
        "Missing children and exploitation",
        "Members of the hub",
        "Alpha Practitioner",
        "The delivery plan: data then and now",
        "Repeat missing episodes",
        "Feedback",
        "Supervision helps me see the pattern",
        "Findings by learning theme",
        "Return interviews are late for children placed out of area",
        "Recommendations",
        "Hold every return interview within 72 hours",
        draft.recommendation.reference,
    ):
        assert expected in text, expected
