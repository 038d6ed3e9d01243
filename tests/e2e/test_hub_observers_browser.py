"""In a real browser: a business manager invites a person of a collaborating partnership to observe a cycle
(after a refused first try), the observer finds it under "Cycles you observe" and reads it, the business
manager revokes it and the observer's next load is a 404. axe runs on every observer page."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_browser_journeys import sign_in
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.learninghub.helpers import cycle_make
from tests.learninghub.observer_helpers import forum_make

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_observer_is_invited_reads_the_cycle_and_is_revoked(page: Page, browser: Browser, base_url, axe):
    host, neighbour = World("Alpha"), World("Bravo")
    forum_make(host.partnership, neighbour.partnership)
    cycle = cycle_make(host)
    slug = host.partnership.slug

    _sign_in_with_code(page, base_url, host.bm)
    page.goto(base_url + reverse("learninghub:cycle_detail", kwargs={"slug": slug, "hub_cycle_id": cycle.pk}))
    expect(page.get_by_test_id("no-observers")).to_be_visible()
    page.get_by_role("link", name="Invite an observer from another partnership").click()
    assert_accessible(axe, page, label="invite an observer")
    # A member of the host is no observer: refused beside its field, the summary focused.
    page.get_by_label("Collaboration").select_option(label="Tri-borough forum")
    page.get_by_label("Observer's email address").fill(host.practitioner.person.email)
    page.get_by_label("Observes until").fill((timezone.localdate() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Invite the observer").click()
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator("#id_grantee_email-error")).to_contain_text("member of your partnership")
    assert_accessible(axe, page, label="invite an observer with errors")
    page.get_by_label("Observer's email address").fill(neighbour.practitioner.person.email)
    page.get_by_role("button", name="Invite the observer").click()
    expect(page.locator(".notification")).to_contain_text("can now observe this cycle")
    expect(page.get_by_test_id("observer")).to_contain_text("Bravo Practitioner")
    assert_accessible(axe, page, label="cycle page with an observer")

    observer = browser.new_context().new_page()
    sign_in(observer, base_url, neighbour.practitioner.person.email)
    expect(observer).not_to_have_url(re.compile(r"/account/login/"))
    observer.get_by_role("link", name="Cycles you observe").click()
    assert_accessible(axe, observer, label="cycles you observe")
    observer.get_by_role("link", name=cycle.title).click()
    expect(observer.get_by_test_id("observed-summary")).to_contain_text("Missing children and exploitation")
    expect(observer.locator("main").get_by_role("button")).to_have_count(0)
    expect(observer.locator("main form")).to_have_count(0)
    assert_accessible(axe, observer, label="observed cycle")
    observed_url = observer.url

    page.get_by_role("button", name=re.compile("Revoke")).click()
    expect(page.locator(".notification")).to_contain_text("can no longer observe this cycle")

    response = observer.goto(observed_url)
    assert response.status == 404
