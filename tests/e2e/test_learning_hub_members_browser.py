"""In a real browser: the business manager nominates a hub member (after a refused first try), shortlists one
nomination, declines another with a reason and puts the shortlist to the partners. axe runs on every page."""

from __future__ import annotations

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from learninghub.models import HubNomination
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.helpers import cycle_make
from tests.learninghub.member_helpers import nominate

pytestmark = pytest.mark.django_db(transaction=True)


def test_members_are_nominated_shortlisted_declined_and_put_to_the_partners(page: Page, base_url, axe):
    world = World("Alpha")
    cycle = cycle_make(world)
    other = nominate(world, cycle, world.lay_member, by=world.health_lead)
    slug = world.partnership.slug

    _sign_in_with_code(page, base_url, world.bm)
    page.goto(base_url + reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    page.get_by_test_id("members-link").click()
    expect(page.get_by_test_id("no-confirmed")).to_be_visible()
    assert_accessible(axe, page, label="members tab")

    page.get_by_test_id("nominate-link").click()
    page.get_by_role("button", name="Nominate").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_member_id-error")).to_contain_text("Choose the person you nominate.")
    assert_accessible(axe, page, label="nominate with errors")
    page.get_by_label("Who").select_option(label="Alpha Practitioner (Alpha Primary School)")
    page.get_by_label("Practitioner").check()
    page.get_by_role("button", name="Nominate").click()
    expect(page.locator(".notification")).to_contain_text("Nominated Alpha Practitioner")

    row = page.get_by_test_id("nomination").filter(has_text="Alpha Practitioner")
    row.get_by_role("button", name="Shortlist").click()
    expect(page.get_by_test_id("nomination").filter(has_text="Alpha Practitioner")).to_have_attribute(
        "data-state", "shortlisted"
    )

    page.get_by_test_id("nomination").filter(has_text="Alpha Lay Member").get_by_test_id("decline").click()
    page.get_by_role("button", name="Decline the nomination").click()
    expect(page.locator(".error-summary")).to_be_focused()
    assert_accessible(axe, page, label="decline with errors")
    page.get_by_label("Why is the nomination declined?").fill("Not working with children")
    page.get_by_role("button", name="Decline the nomination").click()
    expect(page.get_by_test_id("nomination").filter(has_text="Alpha Lay Member")).to_contain_text(
        "Not working with children"
    )

    page.get_by_role("button", name="Put the shortlist to the partners").click()
    expect(page.get_by_test_id("sign-off-panel")).to_be_visible()
    expect(page.get_by_test_id("awaiting")).to_be_visible()
    assert_accessible(axe, page, label="members tab awaiting sign-off")
    assert HubNomination.objects.get(pk=other.pk).state == HubNomination.State.DECLINED
    assert HubNomination.objects.get(member=world.practitioner).state == HubNomination.State.SUBMITTED
