"""In a real browser: the independent scrutineer reads the pages freedom to roam opened to them (a learning
review's pseudonymised outcomes form, comments, print view, requests and recommendations; a rapid review's request
tracker; the identity view log; an audit round's findings), with axe on each and no child's identity on any."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import assert_accessible
from tests.e2e.test_signoff_and_documents import _sign_in_with_code
from tests.factories import World
from tests.scrutiny.test_freedom_to_roam import IDENTITY, REDIRECTED, _pages, _roam

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_scrutineer_roams_the_partnerships_records(page: Page, base_url, axe):
    world = World("Alpha")
    made = _roam(world)
    _sign_in_with_code(page, base_url, world.scrutineer.person)

    for name, path in _pages(world, made).items():
        if name in REDIRECTED:
            continue  # they go on to the review's own page, read below
        page.goto(base_url + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_accessible(axe, page, label=f"the scrutineer's {name}")
        text = page.locator("body").inner_text()
        for identity in IDENTITY:
            assert identity not in text, (name, identity)

    # The outcomes form says what the scrutineer is reading: the child by a pseudonym, the family withheld.
    page.goto(base_url + _pages(world, made)["outcomes form"])
    expect(page.get_by_text("Child A").first).to_be_visible()
