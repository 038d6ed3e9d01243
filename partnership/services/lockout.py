"""Telling a person that their account was locked after wrong passwords.

Sign-in failures are counted per account *and* address together (``AXES_LOCKOUT_PARAMETERS``),
so a stranger elsewhere cannot lock someone out; the owner is told by email the moment a
lockout starts, so that an attack they did not make is seen by them.
"""

from __future__ import annotations

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from partnership.models import Person
from partnership.services.mail import email_send_after_commit


def sign_in_lockout_notify(*, username: str, ip_address: str | None) -> bool:
    """Email the owner of ``username`` that sign-in from ``ip_address`` is locked for a while.

    Returns whether anyone was told: an address with no account gets nothing (and the person
    signing in is shown the same page either way, so nothing about accounts is revealed).
    """
    person = Person.objects.filter(email__iexact=(username or "").strip(), is_active=True).first()
    if person is None:
        return False
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    body = render_to_string(
        "emails/sign_in_locked.txt",
        {
            "person": person,
            "ip_address": ip_address or "an unknown address",
            "minutes": minutes,
            "failures": settings.AXES_FAILURE_LIMIT,
            "reset_url": settings.SITE_URL + reverse("account:password_reset"),
        },
    )
    email_send_after_commit(subject="Learning Loop: sign-in to your account was locked", body=body, to=[person.email])
    return True
