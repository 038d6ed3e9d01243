from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.core.cache import cache
from django.db.backends.signals import connection_created
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


def _sqlite_reads_never_wait_on_a_writer(sender, connection, **kwargs) -> None:
    """On the in-memory SQLite test database, a read is never refused because another thread is writing.

    The test database is one in-memory database in shared-cache mode, which every thread of the process opens:
    the test, a browser test's live server, a real worker (exports, documents). Shared-cache SQLite locks tables,
    not the file, and a read of a table that another connection is writing fails at once with "database table is
    locked" (SQLITE_LOCKED, which no busy timeout waits out). A browser test's export status page failed so when
    the worker claimed the job in the same instant. Production never sees it: PostgreSQL's readers never wait on
    writers, and the embedded database is a file, whose busy timeout waits. In read-uncommitted mode a
    shared-cache connection takes no read locks, so a read neither blocks nor is blocked, as on PostgreSQL
    (tests/architecture/test_test_database.py).
    """
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        connection.connection.execute("PRAGMA read_uncommitted = 1")


# Connected on import, before the test database's first connection is made.
connection_created.connect(_sqlite_reads_never_wait_on_a_writer, dispatch_uid="tests.sqlite_read_uncommitted")


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing():
    # PBKDF2's deliberate slowness is for attackers, not for a test suite that makes
    # dozens of people per test. Production hashing is unchanged.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    # A test database is thrown away: on PostgreSQL a commit need not wait for the disk. The
    # transactional tests (the API fuzz, the browser, the worker) commit after every write, as
    # production does, and waited about 4 ms on each flush to disk. Production settings are unchanged.
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options["options"] = f"{options.get('options', '')} -c synchronous_commit=off".strip()


@pytest.fixture(autouse=True, scope="session")
def _flush_by_delete_on_postgresql():
    """Empty the tables after a transactional test with DELETE, not TRUNCATE, on PostgreSQL.

    A transactional test (``transaction=True``) ends with Django's flush, which on PostgreSQL
    truncates every table: new files for each of about 90 tables, about half a second, and more
    than the test itself for most of the 1,200 API fuzz tests. DELETE of the few rows a test wrote
    takes milliseconds; every foreign key is DEFERRABLE INITIALLY DEFERRED, and the flush runs in
    one transaction, so the order does not matter. Content types and permissions are kept (the
    flush would only recreate them, with new ids, through post_migrate). Sequences are not reset
    by a flush without ``reset_sequences``, so nothing else differs.
    """
    from django.db.backends.postgresql.operations import DatabaseOperations

    truncate = DatabaseOperations.sql_flush
    kept = {"django_content_type", "auth_permission"}

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade)
        return [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
            if table not in kept
        ]

    DatabaseOperations.sql_flush = sql_flush
    yield
    DatabaseOperations.sql_flush = truncate


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


def main_content(page: str) -> str:
    """A drawn page's own content, inside ``<main>``: the layout around it carries a new CSRF token each request,
    which holds any two letters now and then."""
    return page[page.index("<main") : page.index("</main>")]


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


@pytest.fixture
def keeping(settings):
    """The figures cache on (``partnership.figures_cache``), in this process's memory and empty: for tests of what it
    keeps and when it works figures out again, whichever cache the run is configured with."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "kept"}}
    settings.FIGURES_CACHE_SECONDS = 600
    cache.clear()
    return settings


@pytest.fixture
def drawn_afresh(settings):
    """The figures cache off, whatever the run's cache: every page drawn afresh, as the first reader after a change
    sees it. Pinned query counts are that page's (with Redis, a kept body runs none of its own)."""
    settings.FIGURES_CACHE_SECONDS = 0
    return settings


def session_in_cache() -> int:
    """1 where the session is read from Redis (as deployed, and in CI's PostgreSQL run), else 0: a page's query count
    there is one less than where the database holds the session."""
    return int(settings.SESSION_ENGINE == "partnership.sessions_cached")


def if_match(client: Client, url: str) -> dict[str, str]:
    """``If-Match`` for a change to ``url``: the ETag a read of it answers now (the version the change is based on).

    Every API change must name the version it was based on (partnership/api/versions.py).
    """
    return {"HTTP_IF_MATCH": client.get(url)["ETag"]}
