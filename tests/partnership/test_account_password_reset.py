"""Password reset by email: absolute links from SITE_URL, no account enumeration, lockout lifted."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse

from tests.factories import TEST_PASSWORD

RESET = reverse("account:password_reset")
SENT = reverse("account:password_reset_sent")
LOGIN = reverse("account:login")
NEW_PASSWORD = "a quiet orchard in november"


@pytest.fixture(autouse=True)
def _public_address(settings):
    settings.SITE_URL = "https://loop.example.org"


def reset_link(message) -> str:
    match = re.search(r"https://loop\.example\.org/account/password-reset/[^/\s]+/[^/\s]+/", message.body)
    assert match, message.body
    return match.group(0)


def ask_for_reset(client: Client, email: str):
    # The email is recorded in the outbox and sent once the request's transaction commits.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(RESET, {"email": email})


def choose_new_password(client: Client, link: str, password: str, confirm: str | None = None):
    form_page = client.get(link.removeprefix("https://loop.example.org"), follow=True)
    assert form_page.status_code == 200
    form_url = form_page.redirect_chain[-1][0]
    return client.post(form_url, {"new_password1": password, "new_password2": confirm or password})


def test_reset_page_has_labelled_email_field(client, db):
    html = client.get(RESET).content.decode()
    assert '<label class="label" for="id_email">Email address</label>' in html
    assert 'aria-describedby="id_email-hint"' in html


def test_reset_email_has_absolute_link_from_site_url(client, world_a):
    response = ask_for_reset(client, "practitioner@alpha.example")
    assert response.status_code == 302
    assert response.url == SENT
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["practitioner@alpha.example"]
    assert message.subject == "Reset your Learning Loop password"
    # The Host header of the request (testserver) never makes it into the link.
    assert "testserver" not in message.body
    assert reset_link(message)
    assert "&amp;" not in message.body
    assert "&#x27;" not in message.body


def test_unknown_email_gets_the_same_page_and_no_email(client, world_a):
    known = ask_for_reset(client, "practitioner@alpha.example")
    unknown = ask_for_reset(Client(), "nobody@alpha.example")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert len(mail.outbox) == 1
    page = Client().get(SENT).content.decode()
    assert "If the address you entered has a Learning Loop account" in page


def test_badly_formed_email_is_explained_next_to_the_field(client, db):
    html = ask_for_reset(client, "not an address").content.decode()
    assert 'id="id_email-error"' in html
    assert "Enter an email address like name@example.org." in html
    assert 'value="not an address"' in html


def test_reset_sets_new_password_and_old_one_stops_working(client, world_a):
    ask_for_reset(client, "practitioner@alpha.example")
    response = choose_new_password(client, reset_link(mail.outbox[0]), NEW_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("account:password_reset_complete")
    assert (
        Client().post(LOGIN, {"username": "practitioner@alpha.example", "password": TEST_PASSWORD}).status_code == 200
    )
    signed_in = Client().post(LOGIN, {"username": "practitioner@alpha.example", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302


def test_reset_link_works_once(client, world_a):
    ask_for_reset(client, "practitioner@alpha.example")
    link = reset_link(mail.outbox[0])
    choose_new_password(client, link, NEW_PASSWORD)
    again = Client().get(link.removeprefix("https://loop.example.org"), follow=True)
    assert "This reset link does not work" in again.content.decode()


def test_weak_new_password_is_refused_next_to_the_password_field(client, world_a):
    ask_for_reset(client, "practitioner@alpha.example")
    response = choose_new_password(client, reset_link(mail.outbox[0]), "short")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_new_password1-error"' in html
    assert "too short" in html
    assert 'href="#id_new_password1"' in html


def test_reset_lifts_a_lockout(client, world_a):
    for _ in range(5):
        client.post(LOGIN, {"username": "practitioner@alpha.example", "password": "wrong"})
    locked = client.post(LOGIN, {"username": "practitioner@alpha.example", "password": TEST_PASSWORD})
    assert locked.status_code == 429
    ask_for_reset(Client(), "practitioner@alpha.example")
    choose_new_password(Client(), reset_link(mail.outbox[0]), NEW_PASSWORD)
    response = client.post(LOGIN, {"username": "practitioner@alpha.example", "password": NEW_PASSWORD})
    assert response.status_code == 302


def test_reset_email_goes_only_to_the_account_asked_about(client, world_a, world_b):
    ask_for_reset(client, "practitioner@bravo.example")
    assert [m.to for m in mail.outbox] == [["practitioner@bravo.example"]]
    # The link resets Bravo's practitioner only; Alpha's keeps the old password.
    choose_new_password(client, reset_link(mail.outbox[0]), NEW_PASSWORD)
    world_a.practitioner.person.refresh_from_db()
    assert world_a.practitioner.person.check_password(TEST_PASSWORD)
