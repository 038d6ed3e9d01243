from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from config.celery import app as celery_app
from partnership import models as tenancy
from partnership.services import documents as document_service
from partnership.services import exports as export_service
from partnership.services import mail as mail_service
from tests.factories import World, totp_device_make
from tests.workers import broker_folders_in, fresh_broker_pools

# A test's own assertions and factories read rows directly (Deadline.objects.get(...)): queries
# written in tests/ may read across partnerships. Querysets made by application code stay held to
# their partnership here as in production (partnership.models.TenantQuerySet).
tenancy.TEST_CODE_PATHS = (str(Path(__file__).resolve().parent) + "/",)


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # PBKDF2's deliberate slowness is for attackers, not for a test suite that makes
    # dozens of people per test. Production hashing is unchanged.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _email_in_memory(request, settings, monkeypatch):
    # Email is a true boundary: tests read django.core.mail.outbox instead.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if request.node.get_closest_marker("faults"):
        return  # the fault tests send through a real broker, worker and SMTP server
    # The outbox row is still written in the change's transaction; instead of a broker hop to a worker
    # (which the tests of the outbox itself and the fault tests make for real), the send runs at commit.
    monkeypatch.setattr(mail_service, "_dispatch", lambda email_id: mail_service.outbound_email_send(email_id=email_id))


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


@pytest.fixture
def documents_worker(tmp_path, monkeypatch):
    """A real worker thread consuming a documents queue of its own, on the configured broker.

    A queue of its own (and, on the filesystem broker, a folder of its own): a
    developer's running worker must not take the test's message and look for
    the version in the wrong database. The live server (browser tests) sends to
    it too: it runs in this process.
    """
    queue = f"test-documents-{uuid.uuid4().hex}"
    monkeypatch.setattr(document_service, "DOCUMENTS_QUEUE", queue)
    with broker_folders_in(tmp_path):
        fresh_broker_pools()
        try:
            with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]):
                yield queue
        finally:
            fresh_broker_pools()


@pytest.fixture
def exports_worker(tmp_path, monkeypatch):
    """A real worker thread consuming an exports queue of its own, on the configured broker (as
    ``documents_worker``: the live server of browser tests sends to it too)."""
    queue = f"test-exports-{uuid.uuid4().hex}"
    monkeypatch.setattr(export_service, "EXPORTS_QUEUE", queue)
    with broker_folders_in(tmp_path):
        fresh_broker_pools()
        try:
            with start_worker(celery_app, pool="solo", perform_ping_check=False, queues=[queue]):
                yield queue
        finally:
            fresh_broker_pools()


def if_match(client: Client, url: str) -> dict[str, str]:
    """``If-Match`` for a change to ``url``: the ETag a read of it answers now (the version the change is based on).

    Every API change must name the version it was based on (partnership/api/versions.py).
    """
    return {"HTTP_IF_MATCH": client.get(url)["ETag"]}
