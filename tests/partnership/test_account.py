"""Sign in, lockout, sign out, the second factor and API tokens, through the pages."""

from __future__ import annotations

import base64
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.authentication import TokenAuthentication
from partnership.models import ApiToken
from partnership.services.access import api_token_hash
from tests.factories import TEST_PASSWORD, api_token_key, static_code_make, totp_device_make

LOGIN = reverse("account:login")
SETUP = reverse("account:two_factor_setup")
VERIFY = reverse("account:two_factor_verify")
API_TOKEN = reverse("account:api_token")
WRONG_LOGIN = "Enter a correct email address and password."


def code_for(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def sign_in(client: Client, email: str, password: str = TEST_PASSWORD, next_url: str | None = None):
    url = LOGIN + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": email, "password": password})


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def partnership_home(world) -> str:
    return reverse("partnership:home", kwargs={"slug": world.partnership.slug})


# --- Sign in ----------------------------------------------------------------------


def test_login_page_has_labelled_fields(client, db):
    response = client.get(LOGIN)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label class="label" for="id_username">Email address</label>' in html
    assert '<label class="label" for="id_password">Password</label>' in html
    assert 'autocomplete="current-password"' in html


def test_practitioner_signs_in_without_second_factor(client, world_a):
    response = sign_in(client, "practitioner@alpha.example")
    assert response.status_code == 302
    assert response.url == reverse("home")
    assert is_signed_in(client)
    # Straight into the partnership, no second factor asked for.
    assert client.get(partnership_home(world_a)).status_code == 200


def test_sign_in_ignores_case_of_email(client, world_a):
    response = sign_in(client, "Practitioner@Alpha.Example")
    assert response.status_code == 302
    assert is_signed_in(client)


def test_sign_in_follows_a_safe_next_and_refuses_another_site(client, world_a):
    target = partnership_home(world_a)
    assert sign_in(client, "practitioner@alpha.example", next_url=target).url == target
    other = Client()
    assert sign_in(other, "practitioner@alpha.example", next_url="https://evil.example/").url == reverse("home")


@pytest.mark.parametrize(
    ("email", "password"), [("practitioner@alpha.example", "wrong"), ("nobody@alpha.example", "x")]
)
def test_wrong_credentials_give_one_message_that_reveals_nothing(client, world_a, email, password):
    response = sign_in(client, email, password)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<li>{WRONG_LOGIN}</li>" in html  # in the error summary above the form
    assert 'value="' + email + '"' in html  # the address typed is kept
    assert not is_signed_in(client)


def test_empty_sign_in_form_points_at_fields(client, db):
    html = client.post(LOGIN, {"username": "", "password": ""}).content.decode()
    assert '<a href="#id_username">Enter your email address.</a>' in html
    assert '<a href="#id_password">Enter your password.</a>' in html
    assert 'aria-invalid="true"' in html


def test_lockout_after_five_failures_even_with_right_password(client, world_a):
    for _attempt in range(4):
        assert sign_in(client, "practitioner@alpha.example", "wrong").status_code == 200
    fifth = sign_in(client, "practitioner@alpha.example", "wrong")
    assert fifth.status_code == 429
    response = sign_in(client, "practitioner@alpha.example", TEST_PASSWORD)
    assert response.status_code == 429
    assert not is_signed_in(client)
    html = response.content.decode()
    assert "Your account is locked for now" in html
    assert "30 minutes" in html
    assert reverse("account:password_reset") in html
    # Another person's account is not locked by these failures.
    assert sign_in(Client(), "agency-lead@alpha.example").status_code == 302


def test_signed_in_person_opening_login_goes_home(client_for, world_a):
    response = client_for(world_a.practitioner.person).get(LOGIN)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_logout_needs_post_and_signs_out(client_for, world_a):
    client = client_for(world_a.practitioner.person)
    assert client.get(reverse("account:logout")).status_code == 405
    assert is_signed_in(client)
    response = client.post(reverse("account:logout"), follow=True)
    assert response.redirect_chain[-1][0] == LOGIN
    assert "You have signed out." in response.content.decode()
    assert not is_signed_in(client)


# --- Second factor ----------------------------------------------------------------


def test_business_manager_is_sent_to_setup_after_password(client, world_a):
    response = sign_in(client, "bm@alpha.example", next_url=partnership_home(world_a))
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fp%2Falpha-scp%2F"


def test_business_manager_with_device_is_sent_to_verify(client, world_a):
    totp_device_make(world_a.bm)
    response = sign_in(client, "bm@alpha.example")
    assert response.url == f"{VERIFY}?next=%2F"


@pytest.mark.parametrize("role", ["la_lead", "health_lead", "police_lead", "scrutineer"])
def test_every_second_factor_role_is_sent_to_setup(client, world_a, role):
    person = getattr(world_a, role).person
    assert sign_in(client, person.email).url.startswith(SETUP)


def test_setup_shows_qr_code_and_secret_of_one_pending_device(client_for, world_a):
    client = client_for(world_a.bm, verified=False)
    html = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=world_a.bm)
    assert not device.confirmed
    assert '<img class="qr-code" src="data:image/svg+xml;base64,' in html
    assert 'alt="QR code for your authenticator app"' in html
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    grouped = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    assert grouped in html
    svg = base64.b64decode(re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', html).group(1)).decode()
    assert svg.startswith("<svg")
    assert "<path" in svg
    assert 'style="' not in html  # the content security policy forbids inline styles on the page
    # Reloading keeps the same secret: the person may be half-way through typing it.
    client.get(SETUP)
    assert list(TOTPDevice.objects.filter(user=world_a.bm)) == [device]


def test_setup_with_valid_code_confirms_device_and_shows_ten_backup_codes_once(client_for, world_a):
    client = client_for(world_a.bm, verified=False)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world_a.bm)
    old_backup = static_code_make(world_a.bm, "oldcode1")
    next_url = partnership_home(world_a)
    response = client.post(f"{SETUP}?next={next_url}", {"code": code_for(device)})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    assert not StaticDevice.objects.filter(pk=old_backup.pk).exists()
    tokens = list(StaticToken.objects.filter(device__user=world_a.bm).values_list("token", flat=True))
    assert len(tokens) == 10
    assert len(set(tokens)) == 10
    html = response.content.decode()
    assert all(token in html for token in tokens)
    assert f'href="{next_url}">Continue</a>' in html
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    # The session is now past the second factor: the partnership opens.
    assert client.get(next_url).status_code == 200
    # Setup is closed once a device is confirmed: no second look at codes, no swapping the device.
    again = client.get(SETUP)
    assert again.status_code == 302
    assert again.url.startswith(VERIFY)


def test_setup_with_wrong_code_says_so_next_to_the_field(client_for, world_a):
    client = client_for(world_a.bm, verified=False)
    client.get(SETUP)
    response = client.post(SETUP, {"code": "000000" if code_for(TOTPDevice.objects.get()) != "000000" else "111111"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "The code is not right. Check the time on your phone and enter the newest 6-digit code." in html
    assert 'id="id_code-error"' in html
    assert 'href="#id_code"' in html
    assert not TOTPDevice.objects.get(user=world_a.bm).confirmed
    assert not StaticToken.objects.filter(device__user=world_a.bm).exists()


def test_setup_rejects_a_code_that_is_not_six_digits(client_for, world_a):
    client = client_for(world_a.bm, verified=False)
    client.get(SETUP)
    html = client.post(SETUP, {"code": "12ab"}).content.decode()
    assert "Enter the 6-digit code from your authenticator app." in html


def test_anonymous_person_cannot_reach_second_factor_pages(client, db):
    for url in (SETUP, VERIFY, API_TOKEN):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


def test_verify_with_authenticator_code(client, world_a):
    device = totp_device_make(world_a.bm)
    sign_in(client, "bm@alpha.example")
    target = partnership_home(world_a)
    assert client.get(target).status_code == 302  # not yet verified
    response = client.post(f"{VERIFY}?next={target}", {"code": code_for(device)})
    assert response.status_code == 302
    assert response.url == target
    assert client.get(target).status_code == 200


def test_the_same_authenticator_code_does_not_work_twice(client, world_a):
    device = totp_device_make(world_a.bm)
    code = code_for(device)
    sign_in(client, "bm@alpha.example")
    assert client.post(VERIFY, {"code": code}).status_code == 302
    replay = Client()
    sign_in(replay, "bm@alpha.example")
    html = replay.post(VERIFY, {"code": code}).content.decode()
    assert "The code is not right." in html


def test_verify_with_backup_code_works_once(client, world_a):
    totp_device_make(world_a.bm)
    static_code_make(world_a.bm, "abcd2345")
    sign_in(client, "bm@alpha.example")
    # Typed in capitals with a space, as people do when reading from paper.
    response = client.post(VERIFY, {"code": "ABCD 2345"}, follow=True)
    assert "You used a backup code. It will not work again. You have 0 backup codes left." in (
        response.content.decode()
    )
    assert client.get(partnership_home(world_a)).status_code == 200
    second = Client()
    sign_in(second, "bm@alpha.example")
    html = second.post(VERIFY, {"code": "abcd2345"}).content.decode()
    assert "The code is not right." in html
    assert second.get(partnership_home(world_a)).status_code == 302


def test_verify_wrong_code_keeps_person_out(client, world_a):
    device = totp_device_make(world_a.bm)
    sign_in(client, "bm@alpha.example")
    wrong = "123456" if code_for(device) != "123456" else "654321"
    response = client.post(VERIFY, {"code": wrong})
    html = response.content.decode()
    assert 'id="id_code-error"' in html
    assert "The code is not right." in html
    assert client.get(partnership_home(world_a)).status_code == 302


def test_verify_refuses_even_right_code_while_throttled(client, world_a):
    device = totp_device_make(world_a.bm)
    device.throttling_failure_count = 5
    device.throttling_failure_timestamp = timezone.now()
    device.save()
    sign_in(client, "bm@alpha.example")
    html = client.post(VERIFY, {"code": code_for(device)}).content.decode()
    assert "Too many wrong codes. Wait" in html
    assert client.get(partnership_home(world_a)).status_code == 302


def test_verify_without_device_goes_to_setup(client_for, world_a):
    response = client_for(world_a.bm, verified=False).get(VERIFY + "?next=/p/alpha-scp/")
    assert response.status_code == 302
    assert response.url == f"{SETUP}?next=%2Fp%2Falpha-scp%2F"


def test_verified_person_on_verify_page_moves_on(client_for, world_a):
    response = client_for(world_a.bm).get(VERIFY + "?next=/p/alpha-scp/")
    assert response.status_code == 302
    assert response.url == "/p/alpha-scp/"


@pytest.mark.parametrize(("has_device", "step"), [(False, SETUP), (True, VERIFY)])
def test_unverified_business_manager_sees_no_partnership_data(client_for, world_a, has_device, step):
    if has_device:
        totp_device_make(world_a.bm)
    client = client_for(world_a.bm, verified=False)
    response = client.get(partnership_home(world_a))
    assert response.status_code == 302
    assert response.url == f"{step}?next=%2Fp%2Falpha-scp%2F"
    html = client.get(response.url).content.decode()
    assert "Alpha Council" not in html
    assert "Statutory safeguarding partners" not in html


def test_verified_person_of_another_partnership_gets_404(client_for, world_a, world_b):
    client = client_for(world_b.bm)
    assert client.get(partnership_home(world_b)).status_code == 200
    assert client.get(partnership_home(world_a)).status_code == 404


# --- API tokens -------------------------------------------------------------------


def _live_keys_in(html: str, person) -> list[ApiToken]:
    return [t for t in ApiToken.objects.filter(person=person) if t.key_prefix in html]


def test_api_token_create_shows_key_once(client_for, world_a):
    person = world_a.practitioner.person
    client = client_for(person, verified=False)  # a practitioner needs no second factor
    assert "You do not have an API token." in client.get(API_TOKEN).content.decode()
    response = client.post(
        API_TOKEN, {"action": "create", "partnership": world_a.partnership.slug, "name": "Power BI", "days": "30"}
    )
    assert response.status_code == 200
    token = ApiToken.objects.get(person=person)
    key = response.context["issued"].key
    assert key in response.content.decode()
    assert token.key_hash == api_token_hash(key)
    assert token.partnership == world_a.partnership
    assert not token.second_factor_passed
    assert (token.expires_at - token.created_at).days == 30
    assert TokenAuthentication().authenticate_credentials(key)[0] == person
    later = client.get(API_TOKEN).content.decode()
    assert key not in later
    assert "Power BI" in later
    assert "Active" in later
    assert token.key_prefix in later


def test_api_token_create_with_bad_input_says_why_beside_the_field(client_for, world_a):
    client = client_for(world_a.practitioner.person)
    response = client.post(API_TOKEN, {"action": "create", "partnership": "nowhere", "name": "", "days": "7"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"partnership", "name", "days"}
    assert not ApiToken.objects.exists()


def test_api_token_revoke(client_for, world_a):
    person = world_a.practitioner.person
    client = client_for(person)
    client.post(API_TOKEN, {"action": "create", "partnership": world_a.partnership.slug, "name": "Sheet", "days": "90"})
    token = ApiToken.objects.get(person=person)
    response = client.post(API_TOKEN, {"action": "revoke", "token": str(token.pk)}, follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "The token is revoked." in response.content.decode()
    assert "Revoked" in response.content.decode()


def test_api_token_get_changes_nothing_and_unknown_action_is_400(client_for, world_a):
    person = world_a.practitioner.person
    client = client_for(person)
    client.get(API_TOKEN + "?action=create&name=x&partnership=" + world_a.partnership.slug)
    assert not ApiToken.objects.filter(person=person).exists()
    assert client.post(API_TOKEN, {"action": "steal"}).status_code == 400


def test_api_token_page_needs_second_factor_for_business_manager(client_for, world_a):
    totp_device_make(world_a.bm)
    client = client_for(world_a.bm, verified=False)
    response = client.post(API_TOKEN, {"action": "create", "partnership": world_a.partnership.slug, "name": "x"})
    assert response.status_code == 302
    assert response.url == f"{VERIFY}?next=%2Faccount%2Fapi-token%2F"
    assert not ApiToken.objects.filter(person=world_a.bm).exists()


def test_api_token_actions_touch_only_own_token(client_for, world_a, world_b):
    api_token_key(world_b.practitioner.person)
    other = ApiToken.objects.get(person=world_b.practitioner.person)
    client = client_for(world_a.practitioner.person)
    response = client.post(API_TOKEN, {"action": "revoke", "token": str(other.pk)}, follow=True)
    other.refresh_from_db()
    assert other.revoked_at is None
    assert "That token was not found" in response.content.decode()
    assert other.key_prefix not in client.get(API_TOKEN).content.decode()
