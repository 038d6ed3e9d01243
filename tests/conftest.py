from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from tests.factories import World, totp_device_make


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # PBKDF2's deliberate slowness is for attackers, not for a test suite that makes
    # dozens of people per test. Production hashing is unchanged.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _email_in_memory(settings):
    # Email is a true boundary: tests read django.core.mail.outbox instead.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def world_a(db) -> World:
    return World("Alpha")


@pytest.fixture
def world_b(db) -> World:
    return World("Bravo")


def login(client: Client, person, *, verified: bool = True) -> Client:
    """Sign ``person`` in; ``verified`` also marks the session as past the second factor."""
    client.force_login(person)
    if verified:
        device = person.totpdevice_set.filter(confirmed=True).first() or totp_device_make(person)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def client_for():
    """``client_for(person)`` gives a client signed in (and second-factor verified) as that person."""

    def make(person, *, verified: bool = True) -> Client:
        return login(Client(), person, verified=verified)

    return make
