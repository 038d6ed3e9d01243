"""My tasks in a real browser: reached from the navigation, axe-checked; the reminder setting's error state too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from partnership.services.deadlines import deadline_set
from partnership.working_days import WorkingDayCalendar
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.factories import World, static_code_make
from tests.reviews.learning_review_factories import learning_review_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_finds_their_tasks_and_the_page_is_accessible(page: Page, base_url, axe):
    world = World("Alpha")
    today = timezone.localdate()
    calendar = WorkingDayCalendar(nation=world.partnership.nation)
    person = world.practitioner.person
    # A learning review the practitioner leads: its report deadline is theirs, and links to the outcomes form.
    review = learning_review_make(
        world,
        information_due_on=calendar.add_working_days(today, 1),
        report_due_on=calendar.add_working_days(today, 3),
        lead_author=person,
    )
    deadline_set(
        partnership=world.partnership,
        subject=review,
        kind="e2e.late",
        title="Send the overdue return",
        due_on=today - timedelta(days=7),
        assignee=person,
    )
    report = f"{review.reference}: outcomes form (report) due"
    sign_in(page, base_url, person.email)  # a practitioner needs no second factor

    page.get_by_role("navigation", name=world.partnership.name).get_by_role("link", name="My tasks").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    expect(page.get_by_role("heading", name="Overdue (1)")).to_be_visible()
    expect(page.get_by_role("row", name="Send the overdue return")).to_contain_text("Overdue")
    expect(page.get_by_role("row", name=report)).to_contain_text("3 working days left")
    assert_accessible(axe, page, label="my tasks")
    # The link is computed from the deadline's subject and kind: the report is written on the outcomes form.
    page.get_by_role("link", name=report).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Learning Review Outcomes Form")


def test_the_reminder_setting_error_is_accessible(page: Page, base_url, axe):
    world = World("Alpha")
    static_code_make(world.bm, code="24681357")
    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("24681357")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{base_url}/p/{world.partnership.slug}/manage/settings/")

    page.get_by_label("Reminders, in working days before the due date").fill("12")
    page.get_by_role("button", name="Save settings").click()

    expect(page.locator(".error-summary")).to_contain_text("Enter a number of working days from 0 to 10.")
    assert_accessible(axe, page, label="settings with a bad reminder setting")
