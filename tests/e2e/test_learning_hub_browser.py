"""In a real browser: the business manager sets up a learning hub cycle (after a refused first try), changes it
(after a refused try), gives a task to a named member (after a refused try), a practitioner ticks one of the hub's
tasks, the business manager moves a phase. axe runs on every hub page, with and without errors."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Browser, Page, expect

from learninghub.models import HubCycle, HubTask
from partnership.models import Role
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.helpers import priority_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_cycle_is_set_up_a_task_ticked_and_a_phase_moved(page: Page, browser: Browser, base_url, axe):
    world = World("Alpha")
    priority_make(world)
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("learninghub:cycle_list", kwargs={"slug": slug}))
    expect(page.get_by_test_id("no-cycles")).to_be_visible()
    assert_accessible(axe, page, label="learning hub (empty)")
    page.get_by_role("link", name="Set up a cycle").click()
    assert_accessible(axe, page, label="set up a cycle")
    # A Saturday: refused beside its field, the summary focused.
    page.get_by_label("Title").fill("Priority 1: missing children")
    page.get_by_label("Partnership priority").select_option(label="Missing children and exploitation")
    page.get_by_label("Preparation starts").fill("2026-12-19")
    page.get_by_role("button", name="Set up the cycle").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_starts_on-error")).to_contain_text("is not a working day (Weekend)")
    assert_accessible(axe, page, label="set up a cycle with errors")
    page.get_by_label("Preparation starts").fill("2026-12-21")
    page.get_by_role("button", name="Set up the cycle").click()
    expect(page.locator(".notification")).to_contain_text("with its phases and checklist")
    expect(page.get_by_test_id("next-phase")).to_contain_text("Preparation, from 21 December 2026")
    assert_accessible(axe, page, label="cycle page")
    cycle = HubCycle.objects.get(partnership=world.partnership)

    # Changing the cycle: an empty title is refused beside its field.
    page.get_by_role("link", name="Change the title or priority").click()
    assert_accessible(axe, page, label="change a cycle")
    page.get_by_label("Title").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_title-error")).to_contain_text("Enter a title for the cycle.")
    assert_accessible(axe, page, label="change a cycle with errors")
    page.get_by_label("Title").fill("Priority 1: children missing from home")
    page.get_by_role("button", name="Save changes").click()
    expect(page.locator(".notification")).to_contain_text("Saved the cycle.")

    # Giving the police lead's task to a named member, on the task's own page: no one chosen is refused beside the
    # field.
    police_task = "Select children's cases for auditing with the nominated lead"
    row = page.get_by_test_id("task").filter(has_text=police_task)  # not the history's rows
    row.get_by_role("link", name=re.compile("^Give to a member")).click()
    expect(page.get_by_test_id("task-summary")).to_contain_text(police_task)
    assert_accessible(axe, page, label="giving a task to a member")
    page.get_by_role("button", name="Give it").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-message")).to_contain_text("Choose the member who owns it.")
    assert_accessible(axe, page, label="giving a task to a member, refused")
    page.get_by_label("Give it to").select_option(label="Alpha Agency Lead")
    page.get_by_role("button", name="Give it").click()
    expect(page.locator(".notification")).to_contain_text("to Alpha Agency Lead.")
    expect(page.get_by_test_id("task").filter(has_text=police_task)).to_contain_text("Alpha Agency Lead")
    assert_accessible(axe, page, label="cycle page after giving a task")
    assert HubTask.objects.get(partnership=world.partnership, text=police_task).owner_member == world.agency_lead

    # A practitioner ticks one of the hub members' tasks, in a browser of their own.
    practitioner = browser.new_context().new_page()
    sign_in(practitioner, base_url, world.practitioner.person.email)
    expect(practitioner).not_to_have_url(re.compile(r"/account/login/"))
    practitioner.goto(base_url + reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    text = "Review the success measures for the priority"
    row = practitioner.get_by_role("row").filter(has_text=text)
    row.get_by_role("button", name="Mark as done").click()
    expect(practitioner.locator(".notification")).to_contain_text(f"Marked “{text}” as done.")
    expect(row.get_by_role("button", name="Mark as not done")).to_be_visible()
    # A business manager's task is not theirs to tick.
    others = practitioner.get_by_role("row").filter(has_text="Present the information in the delivery plan")
    expect(others.get_by_role("button")).to_have_count(0)
    assert_accessible(axe, practitioner, label="cycle page (practitioner)")
    task = HubTask.objects.get(partnership=world.partnership, text=text)
    assert task.done_by == world.practitioner.person
    assert task.owner_role == Role.PRACTITIONER

    # The business manager moves month 4 back a week: the page says what else moved.
    page.reload()
    page.get_by_role("link", name="Move month 4: findings and recommendations").click()
    expect(page.get_by_test_id("later-phases")).to_contain_text("Impact review")
    assert_accessible(axe, page, label="move a phase")
    ends = page.get_by_label("Ends")
    ends.fill("2027-06-04")
    page.get_by_role("button", name="Move the phase").click()
    expect(page.locator(".notification")).to_contain_text("Moved 5 phases.")
    assert_accessible(axe, page, label="cycle page after a move")
