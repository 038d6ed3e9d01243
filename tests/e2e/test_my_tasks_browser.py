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

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_practitioner_finds_their_tasks_and_the_page_is_accessible(page: Page, base_url, axe):
    world = World("Alpha")
    today = timezone.localdate()
    calendar = WorkingDayCalendar(nation=world.partnership.nation)
    person = world.practitioner.person
    for kind, title, due_on in (
        ("late", "Send the overdue return", today - timedelta(days=7)),
        ("soon", "Send the scoping return", calendar.add_working_days(today, 3)),
    ):
        deadline_set(
            partnership=world.partnership,
            subject=world.school,
            kind=kind,
            title=title,
            due_on=due_on,
            assignee=person,
            url=f"/p/{world.partnership.slug}/working-days/",
        )
    sign_in(page, base_url, person.email)  # a practitioner needs no second factor

    page.get_by_role("navigation", name=world.partnership.name).get_by_role("link", name="My tasks").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("My tasks")
    expect(page.get_by_role("heading", name="Overdue (1)")).to_be_visible()
    expect(page.get_by_role("row", name="Send the overdue return")).to_contain_text("Overdue")
    expect(page.get_by_role("row", name="Send the scoping return")).to_contain_text("3 working days left")
    assert_accessible(axe, page, label="my tasks")
    page.get_by_role("link", name="Send the scoping return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Working days")


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
