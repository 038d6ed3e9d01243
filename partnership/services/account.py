"""A person's own account: second factor, invitations as the invitee, API tokens, lockouts.

These act on the signed-in person only, never on another person's account, so
they take no partnership: nothing here reads or writes tenant-owned rows except
through ``partnership.services.invitations.invitation_accept``.
"""

from __future__ import annotations

import base64
import math
from dataclasses import dataclass

import qrcode
import qrcode.image.svg
from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_otp import user_has_device
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from partnership.models import Invitation, Membership, Person
from partnership.services.invitations import invitation_accept

BACKUP_CODE_COUNT = 10
BACKUP_CODE_LENGTH = 8  # StaticToken.random_token(): 5 random bytes in base32
TOTP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

WRONG_CODE = "The code is not right. Check the time on your phone and enter the newest 6-digit code."
WRONG_CODE_OR_BACKUP = (
    "The code is not right. Enter the newest 6-digit code from your authenticator app, "
    "or one of your 8-character backup codes."
)


# --- Sign-in lockouts --------------------------------------------------------------


def sign_in_lockout_clear(*, email: str) -> int:
    """Forget the failed sign-ins recorded against ``email``, ending any lockout.

    Called after a successful password reset: whoever can read the mailbox has
    proved they own the account. Returns how many failure records were removed.
    """
    return axes_reset(username=(email or "").strip().lower())


# --- Second factor: authenticator app ----------------------------------------------


def totp_device_confirmed(*, person: Person) -> TOTPDevice | None:
    """The person's confirmed authenticator-app device, if they have set one up."""
    return TOTPDevice.objects.devices_for_user(person, confirmed=True).first()


def person_has_second_factor(*, person: Person) -> bool:
    """Whether the person has any confirmed second-factor device (app or backup codes)."""
    return user_has_device(person, confirmed=True)


@transaction.atomic
def totp_device_pending(*, person: Person) -> TOTPDevice:
    """The unconfirmed authenticator-app device the person is setting up, made if missing.

    Reused across page loads so the secret does not change while the person is
    typing it into their phone. Extra unconfirmed devices are removed.
    """
    pending = list(TOTPDevice.objects.devices_for_user(person, confirmed=False).order_by("pk"))
    if pending:
        TOTPDevice.objects.filter(pk__in=[d.pk for d in pending[1:]]).delete()
        return pending[0]
    return TOTPDevice.objects.create(user=person, name=TOTP_DEVICE_NAME, confirmed=False)


def totp_secret_for_typing(*, device: TOTPDevice) -> str:
    """The device's secret in base32, in groups of four, for people who cannot scan."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_code_data_uri(*, device: TOTPDevice) -> str:
    """A ``data:`` URI of an SVG QR code of the device's ``otpauth://`` URL.

    Rendered on the server so the secret never goes to a third-party service,
    and as a data URI because the content security policy allows ``img-src data:``.
    """
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")


@dataclass(frozen=True)
class SecondFactorSetUp:
    device: TOTPDevice
    backup_codes: list[str]


def _throttle_message(device: Device) -> str | None:
    allowed, info = device.verify_is_allowed()
    if allowed:
        return None
    locked_until = (info or {}).get("locked_until")
    if locked_until is None:
        return "Too many wrong codes. Wait a minute and try again."
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    unit = "second" if seconds == 1 else "seconds"
    return f"Too many wrong codes. Wait {seconds} {unit} and try again."


def totp_device_confirm(*, person: Person, device: TOTPDevice, code: str) -> SecondFactorSetUp:
    """Confirm the authenticator app the person is setting up, if ``code`` is right.

    On success the device is confirmed, any other authenticator devices of the
    person are removed, and a fresh set of ``BACKUP_CODE_COUNT`` single-use
    backup codes replaces any old ones. The codes are returned once; only they
    let the person in if they lose their phone.

    Raises ``ValidationError({"code": ...})`` if the code is wrong, the device
    is throttled after wrong codes, or the device is not this person's pending
    one. A wrong code is still counted against the device (throttling).
    """
    if device.user_id != person.pk or device.confirmed:
        raise ValidationError({"code": ["Start setting up your authenticator app again."]})
    code = _normalise_code(code)
    if not (code.isdigit() and len(code) == device.digits):
        raise ValidationError({"code": [f"Enter the {device.digits}-digit code from your authenticator app."]})
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        throttled = _throttle_message(device)
        # verify_token saves the failure count itself: it must commit even when the code is wrong.
        verified = throttled is None and device.verify_token(code)
    if throttled:
        raise ValidationError({"code": [throttled]})
    if not verified:
        raise ValidationError({"code": [WRONG_CODE]})
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=person).exclude(pk=device.pk).delete()
        codes = _backup_codes_replace(person=person)
    return SecondFactorSetUp(device=device, backup_codes=codes)


def _backup_codes_replace(*, person: Person) -> list[str]:
    StaticDevice.objects.filter(user=person).delete()
    backup = StaticDevice.objects.create(user=person, name=BACKUP_DEVICE_NAME, confirmed=True)
    codes: list[str] = []
    while len(codes) < BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=c) for c in codes])
    return codes


def _normalise_code(code: str) -> str:
    # People copy codes with spaces or hyphens, and type backup codes in capitals.
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def backup_codes_remaining(*, person: Person) -> int:
    return StaticToken.objects.filter(device__user=person, device__confirmed=True).count()


def second_factor_check(*, person: Person, code: str) -> Device:
    """The person's device that accepts ``code``: a 6-digit app code or an 8-character backup code.

    A backup code works once: it is deleted when used. Wrong codes count
    against the device (django-otp's exponential back-off); while a device is
    backing off it refuses every code, and the message says how long to wait.

    Raises ``ValidationError({"code": ...})`` when no device accepts the code.
    """
    code = _normalise_code(code)
    if code.isdigit() and len(code) == 6:
        model = TOTPDevice
    elif len(code) == BACKUP_CODE_LENGTH:
        model = StaticDevice
    else:
        raise ValidationError(
            {"code": ["Enter the 6-digit code from your authenticator app, or an 8-character backup code."]}
        )
    accepted: Device | None = None
    throttled: str | None = None
    # verify_token records failures on the device: this block must commit even when no device accepts.
    with transaction.atomic():
        for device in model.objects.devices_for_user(person, confirmed=True).select_for_update():
            message = _throttle_message(device)
            if message:
                throttled = message
                continue
            if device.verify_token(code):
                accepted = device
                break
    if accepted is not None:
        return accepted
    raise ValidationError({"code": [throttled or WRONG_CODE_OR_BACKUP]})


# --- Invitations, from the invitee's side -----------------------------------------


def invitee_has_password(*, invitation: Invitation) -> bool:
    """Whether the invited address already belongs to an account that signs in with a password."""
    existing = Person.objects.filter(email__iexact=invitation.email).first()
    return existing is not None and existing.has_usable_password()


@transaction.atomic
def invitation_accept_as_newcomer(*, token: str, full_name: str, password: str) -> Membership:
    """Accept an invitation for someone without a password yet: set it, and their name.

    Everything ``invitation_accept`` guarantees holds (password validators,
    one use per token, membership with the invited agency and roles); the name
    the person typed replaces the one the inviter entered. Nothing is saved if
    any check fails.
    """
    full_name = (full_name or "").strip()
    if not full_name:
        raise ValidationError({"full_name": ["Enter your full name."]})
    membership = invitation_accept(token=token, password=password)
    person = membership.person
    if person.full_name != full_name:
        person.full_name = full_name
        person.save(update_fields=["full_name"])
    return membership
