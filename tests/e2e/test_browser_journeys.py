"""Real Chromium journeys: sign-in with a second factor, switching partnership, inviting a member."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django_otp.oath import TOTP
from playwright.sync_api import Page, expect

from partnership.models import Membership, Role
from tests.factories import TEST_PASSWORD, World, membership_make, static_code_make, totp_device_make

pytestmark = pytest.mark.django_db(transaction=True)


def current_totp(device) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def sign_in(page: Page, base_url: str, email: str, password: str = TEST_PASSWORD) -> None:
    page.goto(f"{base_url}/account/login/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_authenticator_code(page: Page, base_url):
    world = World("Alpha")
    device = totp_device_make(world.bm)
    sign_in(page, base_url, world.bm.email)
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))
    # Nothing of the partnership is shown before the second factor.
    expect(page.locator("body")).not_to_contain_text("Statutory safeguarding partners")
    page.get_by_label("Security code").fill(current_totp(device))
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.partnership.name)
    expect(page.locator("body")).to_contain_text("Statutory safeguarding partners")


def test_wrong_second_factor_code_is_refused_next_to_the_field(page: Page, base_url):
    world = World("Alpha")
    totp_device_make(world.bm)
    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("000000")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator(".error-message")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/account/two-factor/verify/"))


def test_switching_partnership(page: Page, base_url):
    alpha, bravo = World("Alpha"), World("Bravo")
    person = alpha.practitioner.person
    membership_make(partnership=bravo.partnership, agency=bravo.school, roles=[Role.PRACTITIONER], person=person)
    sign_in(page, base_url, person.email)
    # Two partnerships: the person chooses, and can switch from any page's header.
    page.get_by_role("link", name=alpha.partnership.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(alpha.partnership.name)
    switcher = page.get_by_test_id("partnership-switcher")
    switcher.locator("summary").click()
    switcher.get_by_role("link", name=bravo.partnership.name).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(bravo.partnership.name)
    expect(page).to_have_url(re.compile(rf"/p/{bravo.partnership.slug}/$"))
    switcher.locator("summary").click()
    expect(switcher.get_by_role("link")).to_have_count(2)


def test_invited_member_sets_a_password_and_signs_in(page: Page, base_url, settings):
    settings.SITE_URL = base_url
    world = World("Alpha")
    static_code_make(world.bm, code="24681357")
    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("24681357")
    page.get_by_role("button", name="Continue").click()

    page.get_by_role("link", name="Members").first.click()
    page.get_by_role("link", name="Invite someone").click()
    page.get_by_label("Email address").fill("new.practitioner@alpha.example")
    page.get_by_label("Full name").fill("Nadia Newcomer")
    page.get_by_label("Agency", exact=True).select_option(label=world.school.name)
    page.get_by_label("Practitioner", exact=True).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.locator("body")).to_contain_text("new.practitioner@alpha.example")

    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/account/invitation/\S+/", mail.outbox[0].body).group(0)
    page.get_by_role("button", name="Sign out").click()

    page.goto(link)
    page.get_by_label("Choose a password").fill("a-long-and-new-password-2026")
    page.get_by_label("Confirm password").fill("a-long-and-new-password-2026")
    page.get_by_role("button", name="Accept and create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.partnership.name)
    membership = Membership.objects.get(person__email="new.practitioner@alpha.example")
    assert membership.partnership == world.partnership
    assert membership.role_set == {Role.PRACTITIONER}

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, base_url, "new.practitioner@alpha.example", "a-long-and-new-password-2026")
    expect(page.get_by_role("heading", level=1)).to_have_text(world.partnership.name)


def test_member_search_updates_as_the_manager_types(page: Page, base_url):
    world = World("Alpha")
    static_code_make(world.bm, code="11223344")
    sign_in(page, base_url, world.bm.email)
    page.get_by_label("Security code").fill("11223344")
    page.get_by_role("button", name="Continue").click()
    page.goto(f"{base_url}/p/{world.partnership.slug}/manage/members/")
    results = page.get_by_test_id("member-results")
    expect(results).to_contain_text("Alpha Practitioner")
    page.get_by_label("Name or email").press_sequentially("police", delay=30)
    expect(results).not_to_contain_text("Alpha Practitioner")
    expect(results).to_contain_text("Alpha Police Lead")
    expect(page).to_have_url(re.compile(r"q=police"))
    expect(page.locator("#member-count")).to_have_text("1 member found")
