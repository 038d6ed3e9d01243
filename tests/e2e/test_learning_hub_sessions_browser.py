"""In a real browser: the business manager schedules a hub session (after a refused first try), changes it (after
a refused try), records who attended and an action (after a refused try on the action's own page); its owner finds
the action on "my tasks" and ticks it. axe runs on every session page, with and without errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from learninghub.models import HubSession, HubSessionAction
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.helpers import cycle_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_session_is_scheduled_attended_and_its_action_ticked(page: Page, browser: Browser, base_url, axe):
    world = World("Alpha")
    cycle = cycle_make(world)
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    page.get_by_role("link", name="Schedule a session").click()
    assert_accessible(axe, page, label="schedule a session")
    page.get_by_label("Kind of session").select_option(label="Month 1 meeting: scoping")
    page.get_by_label("Date").fill("2027-02-04")
    page.get_by_label("Starts").fill("10:00")
    page.get_by_label("Ends").fill("09:00")
    page.get_by_label("Online link").fill("javascript:alert(1)")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_ends_at-error")).to_contain_text("must end after it starts")
    expect(page.locator("#id_online_url-error")).to_contain_text("https://")
    assert_accessible(axe, page, label="schedule a session with errors")
    page.get_by_label("Ends").fill("12:30")
    page.get_by_label("Online link").fill("https://meet.example/hub-1")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.locator(".notification")).to_contain_text("Scheduled “Month 1 meeting: scoping”.")
    expect(page.get_by_test_id("session-when")).to_contain_text("Thursday 4 February 2027, 10:00 to 12:30")
    assert_accessible(axe, page, label="session page")
    session = HubSession.objects.get(partnership=world.partnership)

    page.goto(base_url + reverse("learninghub:session_list", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    expect(page.get_by_role("link", name=re.compile("Month 1 meeting: scoping"))).to_be_visible()
    assert_accessible(axe, page, label="the cycle's sessions")

    # Rescheduling to end before it starts is refused beside the field; then the notes are written.
    page.goto(base_url + reverse("learninghub:session_edit", kwargs={"slug": slug, "hub_session_id": session.pk}))
    assert_accessible(axe, page, label="change a session")
    page.get_by_label("Ends").fill("09:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_ends_at-error")).to_contain_text("must end after it starts")
    assert_accessible(axe, page, label="change a session with errors")
    page.get_by_label("Ends").fill("12:30")
    page.get_by_label("Notes").fill("We agreed the audit sample.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".notification")).to_contain_text("Saved the session.")

    # The action's own page (where a refused action is drawn again): nothing filled in is refused by field.
    action_page = reverse("learninghub:session_action_create", kwargs={"slug": slug, "hub_session_id": session.pk})
    page.goto(base_url + action_page)
    assert_accessible(axe, page, label="add an action")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_owner_id-error")).to_contain_text("Choose the member who owns it.")
    assert_accessible(axe, page, label="add an action with errors")
    page.goto(base_url + reverse("learninghub:session_detail", kwargs={"slug": slug, "hub_session_id": session.pk}))

    page.get_by_role("link", name="Record who attended").click()
    assert_accessible(axe, page, label="attendance")
    page.get_by_role("group", name="Attended").get_by_label("Alpha Practitioner").check()
    page.get_by_role("group", name="Sent apologies").get_by_label("Alpha Health Lead").check()
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.get_by_test_id("attended")).to_contain_text("Alpha Practitioner")

    form = page.get_by_test_id("action-form")
    form.get_by_label("Action").fill("Bring the missing episodes data")
    form.get_by_label("Owner").select_option(label="Alpha Practitioner")
    form.get_by_label("Due").fill("2027-02-18")
    form.get_by_role("button", name="Add the action").click()
    expect(page.get_by_test_id("action")).to_contain_text("Bring the missing episodes data")
    assert_accessible(axe, page, label="session page with attendance and an action")

    # The owner finds it on their tasks, follows it and ticks it.
    owner = browser.new_context().new_page()
    sign_in(owner, base_url, world.practitioner.person.email)
    expect(owner).not_to_have_url(re.compile(r"/account/login/"))
    owner.goto(base_url + reverse("partnership:my_tasks", kwargs={"slug": slug}))
    owner.get_by_role("link", name=re.compile("Bring the missing episodes data")).click()
    row = owner.get_by_role("row").filter(has_text="Bring the missing episodes data")
    row.get_by_role("button", name="Mark as done").click()
    expect(owner.locator(".notification")).to_contain_text("as done.")
    assert_accessible(axe, owner, label="session page (the action's owner)")
    assert HubSessionAction.objects.get(partnership=world.partnership).done_by == world.practitioner.person
